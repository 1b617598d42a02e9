"""Indirect leaks between customers (issue 12): what a curious customer reaches with a
second portal account, JSON-RPC and a mail client, beyond the ticket routes."""

import html
import re

from freezegun import freeze_time

from odoo.exceptions import AccessError
from odoo.osv import expression
from odoo.tests import tagged
from odoo.tools import mute_logger

from . import common

MARKER = "ZZQ-B-PRIVATE"
PHONE_B = "0909 777 888"


@tagged("post_install", "-at_install")
class TestPortalModelSweep(common.PortalCase):
    """Customer A, logged in to the portal, counts the records of every model it may
    call by RPC: none may be customer B's (B's tickets, their messages, notifications,
    e-mails, followers, activities, ratings, files, B's contacts)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.member_ids = cls.agent
        cls.ticket_a = cls._ticket(cls.user_a, "Alpha ticket of A", user_id=cls.agent.id)
        cls.ticket_b = cls._ticket(cls.user_b, f"{MARKER} ticket of B", user_id=cls.agent.id)
        cls.ticket_b.message_subscribe(partner_ids=cls.user_b.partner_id.ids)
        # An agent's answer e-mailed to B (notifications, an outgoing e-mail), B's reply.
        cls.ticket_b.with_user(cls.agent).message_post(
            body=f"{MARKER} answer for B", message_type="comment", subtype_xmlid="mail.mt_comment",
            partner_ids=cls.user_b.partner_id.ids,
        )
        cls.ticket_b.message_post(
            body=f"{MARKER} reply of B", author_id=cls.user_b.partner_id.id,
            message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        cls.env["ir.attachment"].create({
            "name": f"{MARKER}.txt", "raw": b"B", "res_model": cls.ticket_b._name, "res_id": cls.ticket_b.id,
        })
        # B's call-back request: a phone number, an activity for the agent.
        cls.callback_b = cls._ticket(cls.user_b, "Call-back request: invoices", channel="callback",
                                     partner_phone=PHONE_B)
        cls.callback_b._portal_schedule_callback(PHONE_B, "asap", f"{MARKER} call me")
        # B's closed ticket: a rating request with B's personal links.
        cls.solved_b = cls._ticket(cls.user_b, "Solved ticket of B", user_id=cls.agent.id)
        cls.solved_b.stage_id = cls.env.ref("toperp_helpdesk.stage_solved")
        cls.env.flush_all()
        cls.env.cr.precommit.run()
        # A has notifications of its own (the portal still shows them).
        cls.ticket_a.with_user(cls.agent).message_post(
            body="Answer for A", message_type="comment", subtype_xmlid="mail.mt_comment",
            partner_ids=cls.user_a.partner_id.ids,
        )

    def _records_of_b(self, models):
        """{model: ids} of customer B's data in ``models``, read as superuser: B's
        tickets and contacts, then every record pointing at one of them (a many2one or a
        res_model/res_id pair), twice over, and any text holding B's marker or phone."""
        known = {
            "toperp.helpdesk.ticket": set((self.ticket_b | self.callback_b | self.solved_b).ids),
            "res.partner": set(self.env["res.partner"].search([("id", "child_of", self.company_b.id)]).ids),
            "res.users": set(self.user_b.ids),
        }
        for _round in range(2):
            for name in models:
                Model = self.env[name].sudo().with_context(active_test=False)
                domains = []
                for field in Model._fields.values():
                    if not field.store or not field.column_type:
                        continue
                    if field.type == "many2one" and known.get(field.comodel_name):
                        domains.append([(field.name, "in", list(known[field.comodel_name]))])
                    elif field.type in ("char", "text", "html") and not field.translate:
                        domains += [[(field.name, "ilike", MARKER)], [(field.name, "ilike", PHONE_B)]]
                if "res_model" in Model._fields and "res_id" in Model._fields:
                    for res_model, ids in known.items():
                        domains.append([("res_model", "=", res_model), ("res_id", "in", list(ids))])
                if "model" in Model._fields and "res_id" in Model._fields and name != "ir.model.data":
                    for res_model, ids in known.items():
                        domains.append([("model", "=", res_model), ("res_id", "in", list(ids))])
                if not domains:
                    continue
                known.setdefault(name, set()).update(Model.search(expression.OR(domains)).ids)
        return {name: ids for name, ids in known.items() if ids and name in models}

    def _portal_models(self, user):
        """Every model with a table that ``user`` may read (what RPC lets it call)."""
        names = []
        for name, Model in self.env.registry.items():
            if Model._abstract or not Model._auto:
                continue
            if self.env[name].with_user(user).has_access("read"):
                names.append(name)
        return sorted(names)

    @mute_logger("odoo.models", "odoo.addons.base.models.ir_rule")
    def test_no_model_counts_a_record_of_another_customer(self):
        models = self._portal_models(self.user_a)
        self.assertIn("mail.notification", models)
        of_b = self._records_of_b(models)
        # The sweep has something to find: B's data exists in the models A may call.
        for name in ("toperp.helpdesk.ticket", "mail.message", "mail.notification", "res.partner"):
            self.assertTrue(of_b.get(name), f"no record of B in {name}: the sweep would prove nothing")
        leaks = {}
        for name in models:
            ids = of_b.get(name)
            if not ids:
                continue
            Model = self.env[name].with_user(self.user_a).with_context(active_test=False)
            try:
                count = Model.search_count([("id", "in", list(ids))])
            except AccessError:
                count = 0
            if count:
                leaks[name] = count
        self.assertEqual(leaks, {}, "records of customer B that customer A can count")
        # A still counts its own notifications (e-mails and the portal's bell keep working).
        own = self.env["mail.notification"].with_user(self.user_a).search_count([])
        self.assertEqual(own, self.env["mail.notification"].search_count(
            [("res_partner_id", "=", self.user_a.partner_id.id)]))
        self.assertGreater(own, 0)

    def test_notifications_by_json_rpc(self):
        self.authenticate("portal_a", "portal_a")
        answer = self._jsonrpc("/web/dataset/call_kw/mail.notification/search_read", {
            "model": "mail.notification", "method": "search_read", "args": [[]],
            "kwargs": {"fields": ["mail_message_id", "res_partner_id"]},
        })
        rows = answer["result"]
        self.assertTrue(rows)
        self.assertEqual({row["res_partner_id"][0] for row in rows}, {self.user_a.partner_id.id})
        self.assertNotIn(MARKER, str(rows))

    def test_portal_chatter_still_works(self):
        self.authenticate("portal_a", "portal_a")
        token = self.ticket_a._portal_ensure_token()
        fetched = self._jsonrpc("/mail/chatter_fetch", {
            "thread_model": self.ticket_a._name, "thread_id": self.ticket_a.id, "token": token,
        })
        self.assertNotIn("error", fetched)
        self.assertIn("Answer for A", str(fetched["result"]))
        posted = self._jsonrpc("/mail/message/post", {
            "thread_model": self.ticket_a._name, "thread_id": self.ticket_a.id,
            "post_data": {"body": "Thanks, it works", "message_type": "comment",
                          "subtype_xmlid": "mail.mt_comment"},
        })
        self.assertNotIn("error", posted)
        self.assertTrue(self.ticket_a.message_ids.filtered(lambda m: "Thanks, it works" in str(m.body)))

    def test_no_phone_number_in_subjects_or_activity_summaries(self):
        activity = self.callback_b.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertNotIn(PHONE_B, activity.summary)
        self.assertIn(PHONE_B, str(activity.note), "the agent still finds the number on the activity")
        messages = self.env["mail.message"].search([("model", "=", self.callback_b._name)])
        mails = self.env["mail.mail"].search([("mail_message_id", "in", messages.ids)])
        subjects = messages.mapped("subject") + mails.mapped("subject") + self.env["mail.activity"].search(
            [("res_model", "=", self.callback_b._name)]).mapped("summary")
        self.assertFalse([s for s in subjects if s and PHONE_B in s])


@tagged("post_install", "-at_install")
class TestPortalActionsSubscribeNobody(common.PortalCase):
    """Closing, reopening and rating from the portal leave the followers as they were:
    a follower keeps reading the answers after losing access to the ticket."""

    def _followers(self, ticket):
        ticket.invalidate_recordset()
        return ticket.sudo().message_partner_ids

    def test_colleague_actions_do_not_subscribe(self):
        ticket = self._ticket(self.user_a2, "Colleague's export fails")
        before = self._followers(ticket)
        self.assertNotIn(self.user_a.partner_id, before)
        self.authenticate("portal_a", "portal_a")
        self._post(f"{ticket.access_url}/close")
        self.assertTrue(ticket.is_closed)
        self.assertEqual(self._followers(ticket), before, "after closing")
        self._post(f"{ticket.access_url}/rate", {"rate": "5", "feedback": "Quick"})
        self.assertEqual(ticket.rating_ids.filtered("consumed").rating, 5)
        self.assertEqual(self._followers(ticket), before, "after rating")
        self._post(f"{ticket.access_url}/reopen")
        self.assertFalse(ticket.is_closed)
        self.assertEqual(self._followers(ticket), before, "after reopening")
        # Switched to "own" scope, A no longer reads the colleague's ticket nor its answers.
        self.company_a.toperp_portal_scope = "own"
        ticket.with_user(self.agent).message_post(
            body="Answer after the switch", message_type="comment", subtype_xmlid="mail.mt_comment")
        self.assertFalse(self.env["mail.message"].with_user(self.user_a).search(
            [("model", "=", ticket._name), ("res_id", "=", ticket.id), ("body", "ilike", "after the switch")]))

    def test_token_holder_actions_do_not_subscribe(self):
        ticket = self._ticket(self.user_a, "Printing fails")
        token = ticket._portal_ensure_token()
        before = self._followers(ticket)
        self.authenticate(None, None)
        self._post(f"{ticket.access_url}/close", {"access_token": token})
        self.assertTrue(ticket.is_closed)
        self._post(f"{ticket.access_url}/rate", {"access_token": token, "rate": "3"})
        self._post(f"{ticket.access_url}/reopen", {"access_token": token})
        self.assertFalse(ticket.is_closed)
        self.assertEqual(self._followers(ticket), before)


@tagged("post_install", "-at_install")
class TestRatingRequestToCustomerOnly(common.PortalCase):
    """The satisfaction request carries links that rate in the customer's name: it is
    e-mailed to the customer alone, not to followers, and not shown in the chatter."""

    def test_rating_request_recipients(self):
        ticket = self._ticket(self.user_a, "Tax report is empty", user_id=self.agent.id)
        cc = self.env["res.partner"].create({"name": "Cc Person", "email": "cc@a.example.com"})
        ticket.message_subscribe(partner_ids=(self.user_a.partner_id | self.user_a2.partner_id | cc).ids)
        ticket.with_user(self.agent).stage_id = self.env.ref("toperp_helpdesk.stage_solved")
        self.env.flush_all()
        self.env.cr.precommit.run()
        token = ticket.rating_ids.access_token
        self.assertTrue(token)
        request = ticket.message_ids.filtered(lambda m: "How did we do" in (m.subject or ""))
        self.assertEqual(len(request), 1)
        self.assertEqual(request.subtype_id, self.env.ref("mail.mt_note"))
        self.assertEqual(request.partner_ids, self.user_a.partner_id)
        mails = self.env["mail.mail"].search([("mail_message_id", "=", request.id)])
        self.assertEqual(mails.recipient_ids, self.user_a.partner_id)
        self.assertEqual(request.notification_ids.res_partner_id, self.user_a.partner_id)
        # No other e-mail about the ticket carries the links.
        others = self.env["mail.mail"].search([("model", "=", ticket._name), ("res_id", "=", ticket.id),
                                               ("id", "not in", mails.ids)])
        self.assertFalse([m for m in others if f"/rate/{token}/" in str(m.body_html)])
        # The colleague's portal chatter does not show them.
        self.authenticate("portal_a2", "portal_a2")
        fetched = self._jsonrpc("/mail/chatter_fetch", {
            "thread_model": ticket._name, "thread_id": ticket.id, "token": ticket._portal_ensure_token(),
        })
        self.assertNotIn("error", fetched)
        self.assertNotIn(f"/rate/{token}/", str(fetched["result"]))


@tagged("post_install", "-at_install")
class TestMaintenanceBannerPerCustomer(common.PortalCase):
    """The banner shows the windows that concern the customer: of every customer, of
    the customer's company, of the services it uses; never another's."""

    @freeze_time("2026-11-27 10:00:00")
    def test_banner_per_customer(self):
        other_company = self.env["res.company"].create({"name": "TopERP Đà Nẵng"})
        Maintenance = self.env["toperp.helpdesk.maintenance"]
        window = {"date_start": "2026-11-28 15:00:00", "date_end": "2026-11-28 17:00:00",
                  "announced_date": "2026-11-20 09:00:00"}
        Maintenance.create([
            dict(window, name="Everybody's window", company_id=False),
            dict(window, name="Our company's window"),
            dict(window, name="Other company's window", company_id=other_company.id),
            dict(window, name="SaaS window", service_type_ids=self.saas.ids),
            dict(window, name="On-premise window",
                 service_type_ids=self.env.ref("toperp_helpdesk.service_type_on_premise").ids),
        ])
        seen = {}
        for login in ("portal_a", "portal_b"):
            self.authenticate(login, login)
            page = self.url_open("/my").text
            seen[login] = {name for name in ("Everybody's window", "Our company's window", "Other company's window",
                                             "SaaS window", "On-premise window") if name in page.replace("&#39;", "'")}
        # Company A uses the SaaS service; company B has no service recorded.
        self.assertEqual(seen["portal_a"], {"Everybody's window", "Our company's window", "SaaS window"})
        self.assertEqual(seen["portal_b"], {"Everybody's window", "Our company's window"})


@tagged("post_install", "-at_install")
class TestNulBytes(common.PortalCase):
    """A NUL byte (PostgreSQL refuses it in text) in any portal field gives the field's
    error in the customer's language: no HTTP 500, no ERROR in the log."""

    NUL_VI = "Trường này chứa ký tự không hợp lệ (NUL): Quý khách vui lòng nhập lại."

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.user_a.lang = "vi_VN"

    def _field_error(self, page, field):
        match = re.search(rf'o_toperp_field_error" data-field="{field}">([^<]*)<', page)
        return match and html.unescape(match.group(1))

    def test_search(self):
        self._ticket(self.user_a, "Printer offline")
        self.authenticate("portal_a", "portal_a")
        with self.assertNoLogs(level="ERROR"):
            response = self.url_open("/my/support?search=prin%00ter")
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.NUL_VI, html.unescape(response.text))
        self.assertIn("Printer offline", response.text, "the list without the search")

    def test_new_ticket_form(self):
        valid = {
            "name": "Cannot print the sales invoice",
            "description": "Open Sales > Invoices, select one and click Print: nothing happens.",
            "affected_url": "https://erp.a.example.com/odoo/action-123",
            "video_url": "https://www.loom.com/share/abc",
            "severity_id": str(self.severity_low.id),
            "service_type_id": str(self.saas.id),
        }
        self.authenticate("portal_a", "portal_a")
        for field in ("name", "description", "affected_url", "video_url"):
            data = dict(valid, **{field: valid[field][:6] + "\x00" + valid[field][6:]})
            with self.assertNoLogs(level="ERROR"):
                response = self._post("/my/support/new", data)
            self.assertEqual(response.status_code, 200, field)
            self.assertEqual(self._field_error(response.text, field), self.NUL_VI, field)
        self.assertFalse(self.Ticket.search([("partner_id", "=", self.user_a.partner_id.id)]))

    def test_callback_form(self):
        self.authenticate("portal_a", "portal_a")
        for field, data in (("topic", {"phone": "0901 234 567", "slot": "asap", "topic": "VAT\x00 report"}),
                            ("phone", {"phone": "0901\x00234567", "slot": "asap", "topic": "VAT report"})):
            with self.assertNoLogs(level="ERROR"):
                response = self._post("/my/support/callback", data)
            self.assertEqual(response.status_code, 200, field)
            self.assertEqual(self._field_error(response.text, field), self.NUL_VI, field)
        self.assertFalse(self.Ticket.search([("channel", "=", "callback")]))

    def test_rating_feedback(self):
        ticket = self._ticket(self.user_a, "Totals are wrong")
        ticket.stage_id = self.env.ref("toperp_helpdesk.stage_solved")
        self.authenticate("portal_a", "portal_a")
        with self.assertNoLogs(level="ERROR"):
            response = self._post(f"{ticket.access_url}/rate", {"rate": "5", "feedback": "Fast\x00"})
        self.assertEqual(response.status_code, 200)
        self.assertIn("ký tự không hợp lệ (NUL)", html.unescape(response.text))
        self.assertFalse(ticket.rating_ids.filtered("consumed"))


@tagged("post_install", "-at_install")
class TestOwnPortalPrefix(common.PortalCase):
    """Our portal lives under /my/support (other helpdesk apps use /my/tickets); links of
    the old /my/tickets URLs, served by no other app here, are redirected to it."""

    def test_old_links_redirect(self):
        ticket = self._ticket(self.user_a, "Old link ticket")
        self.assertEqual(ticket.access_url, f"/my/support/{ticket.id}")
        token = ticket._portal_ensure_token()
        self.authenticate(None, None)
        for old, new in (
            (f"/my/tickets/{ticket.id}?access_token={token}", f"/my/support/{ticket.id}?access_token={token}"),
            ("/my/tickets", "/my/support"),
            ("/my/tickets/page/2?sortby=severity", "/my/support/page/2?sortby=severity"),
        ):
            response = self.url_open(old, allow_redirects=False)
            self.assertEqual(response.status_code, 302, old)
            self.assertEqual(response.headers["Location"].split(self.base_url())[-1], new)
        page = self.url_open(f"/my/tickets/{ticket.id}?access_token={token}")
        self.assertIn("Old link ticket", page.text)
        # Unrelated unknown pages stay 404.
        self.assertEqual(self.url_open("/my/ticketsx", allow_redirects=False).status_code, 404)
