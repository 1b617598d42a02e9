import base64

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from . import common

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestPortalSecurity(common.PortalCase):
    """Customer A (portal) attacks customer B's ticket through every route."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ticket_a = cls._ticket(cls.user_a, "Alpha ticket of A")
        cls.ticket_a2 = cls._ticket(cls.user_a2, "Colleague ticket of A2")
        cls.ticket_b = cls._ticket(cls.user_b, "Secret ticket of B")
        cls.ticket_b.message_post(
            body="B private details", author_id=cls.user_b.partner_id.id,
            message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        cls.attachment_b = cls.env["ir.attachment"].create({
            "name": "b-secret.png", "raw": PNG, "res_model": cls.ticket_b._name, "res_id": cls.ticket_b.id,
        })
        cls.attachment_b.generate_access_token()
        cls.attachment_a = cls.env["ir.attachment"].create({
            "name": "a-shot.png", "raw": PNG, "res_model": cls.ticket_a._name, "res_id": cls.ticket_a.id,
        })
        cls.token_a = cls.ticket_a._portal_ensure_token()
        cls.token_b = cls.ticket_b._portal_ensure_token()

    def _assert_b_untouched(self):
        self.ticket_b.invalidate_recordset()
        self.assertFalse(self.ticket_b.is_closed)
        self.assertFalse(self.ticket_b.rating_ids.filtered("consumed"))
        bodies = " ".join(self.ticket_b.message_ids.mapped("body"))
        self.assertNotIn("pwned", bodies)

    # ------------------------------------------------------------------
    # Record rules
    # ------------------------------------------------------------------

    def test_record_rules_company_scope(self):
        Ticket = self.env["toperp.helpdesk.ticket"].with_user(self.user_a)
        self.assertEqual(Ticket.search([]), self.ticket_a | self.ticket_a2)
        with self.assertRaises(AccessError):
            self.ticket_b.with_user(self.user_a).read(["name"])
        with self.assertRaises(AccessError):
            self.ticket_a.with_user(self.user_a).write({"name": "changed"})

    def test_record_rules_own_scope(self):
        self.company_a.toperp_portal_scope = "own"
        self.assertEqual(self.user_a2.partner_id.toperp_portal_scope, "own")
        Ticket = self.env["toperp.helpdesk.ticket"].with_user(self.user_a)
        self.assertEqual(Ticket.search([]), self.ticket_a)
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/support").text
        self.assertIn("Alpha ticket of A", page)
        self.assertNotIn("Colleague ticket of A2", page)
        response = self.url_open(f"/my/support/{self.ticket_a2.id}")
        self.assertNotIn("Colleague ticket of A2", response.text)
        self.assertTrue(response.url.endswith("/my"))

    # ------------------------------------------------------------------
    # Portal pages
    # ------------------------------------------------------------------

    def test_list_shows_company_tickets_only(self):
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/support").text
        self.assertIn("Alpha ticket of A", page)
        self.assertIn("Colleague ticket of A2", page)
        self.assertNotIn("Secret ticket of B", page)
        page = self.url_open("/my/support?search=Secret").text
        self.assertNotIn("Secret ticket of B", page)

    def test_detail_by_id_guessing_and_foreign_token(self):
        self.authenticate("portal_a", "portal_a")
        for url in (
            f"/my/support/{self.ticket_b.id}",
            f"/my/support/{self.ticket_b.id}?access_token={self.token_a}",
            f"/my/support/{self.ticket_b.id}?access_token=",
            "/my/support/999999999",
        ):
            response = self.url_open(url)
            self.assertNotIn("Secret ticket of B", response.text, url)
            self.assertNotIn("B private details", response.text, url)
            self.assertTrue(response.url.endswith("/my"), url)
        self.assertIn("Alpha ticket of A", self.url_open(f"/my/support/{self.ticket_a.id}").text)

    def test_token_link_works_logged_out_for_that_ticket_only(self):
        self.authenticate(None, None)
        response = self.url_open(f"/my/support/{self.ticket_b.id}?access_token={self.token_b}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Secret ticket of B", response.text)
        response = self.url_open(f"/my/support/{self.ticket_a.id}?access_token={self.token_b}")
        self.assertNotIn("Alpha ticket of A", response.text)
        response = self.url_open("/my/support")
        self.assertNotIn("Secret ticket of B", response.text)
        self.assertIn("/web/login", response.url)

    def test_close_reopen_rate_forged_posts(self):
        self.authenticate("portal_a", "portal_a")
        self._post(f"/my/support/{self.ticket_b.id}/close")
        self._post(f"/my/support/{self.ticket_b.id}/close", {"access_token": self.token_a})
        self._assert_b_untouched()
        self.ticket_b.stage_id = self.env.ref("toperp_helpdesk.stage_solved")
        self._post(f"/my/support/{self.ticket_b.id}/reopen")
        self._post(f"/my/support/{self.ticket_b.id}/rate", {"rate": "1", "feedback": "pwned"})
        self._post(f"/my/support/{self.ticket_b.id}/rate", {"rate": "1", "access_token": self.token_a})
        self.ticket_b.invalidate_recordset()
        self.assertTrue(self.ticket_b.is_closed)
        self.assertFalse(self.ticket_b.rating_ids.filtered("consumed"))

    def test_new_ticket_ignores_forged_partner(self):
        self.authenticate("portal_a", "portal_a")
        self._post("/my/support/new", {
            "name": "Cannot print the invoice",
            "description": "Open the invoice list, click print and nothing happens at all",
            "affected_url": "https://a.toperp.vn/odoo/invoices",
            "video_url": "https://www.loom.com/share/abc",
            "severity_id": self.severity_low.id,
            "service_type_id": self.saas.id,
            "partner_id": self.user_b.partner_id.id,
            "commercial_partner_id": self.company_b.id,
            "channel": "backend",
            "stage_id": self.env.ref("toperp_helpdesk.stage_solved").id,
        })
        ticket = self.Ticket.search([("name", "=", "Cannot print the invoice")])
        self.assertEqual(ticket.partner_id, self.user_a.partner_id)
        self.assertEqual(ticket.channel, "portal")
        self.assertFalse(ticket.is_closed)

    # ------------------------------------------------------------------
    # Mail routes
    # ------------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_mail_message_post_denied(self):
        self.authenticate("portal_a", "portal_a")
        for extra in ({}, {"token": self.token_a}, {"token": "x" * 36}):
            answer = self._jsonrpc("/mail/message/post", {
                "thread_model": "toperp.helpdesk.ticket",
                "thread_id": self.ticket_b.id,
                "post_data": {"body": "pwned", "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
                **extra,
            })
            self.assertIn("error", answer, extra)
        self._assert_b_untouched()
        # Own ticket: allowed, and HTML is sanitised.
        answer = self._jsonrpc("/mail/message/post", {
            "thread_model": "toperp.helpdesk.ticket",
            "thread_id": self.ticket_a.id,
            "post_data": {"body": "<p>ok</p><script>alert(1)</script><img src=x onerror=alert(2)>",
                          "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
        })
        self.assertNotIn("error", answer)
        # (the acknowledgement the customer's first message triggers comes after it)
        message = self.ticket_a.message_ids.filtered(lambda m: m.message_type == "comment")[:1]
        self.assertIn("ok", message.body)
        self.assertEqual(message.author_id, self.user_a.partner_id)
        self.assertNotIn("<script", message.body)
        self.assertNotIn("onerror", message.body)

    @mute_logger("odoo.http")
    def test_mail_read_routes_denied(self):
        self.authenticate("portal_a", "portal_a")
        answer = self._jsonrpc("/mail/thread/data", {
            "thread_model": "toperp.helpdesk.ticket", "thread_id": self.ticket_b.id, "request_list": ["followers"],
        })
        self.assertNotIn("B private details", json_text(answer))
        self.assertNotIn("Bob B", json_text(answer))
        answer = self._jsonrpc("/mail/thread/messages", {
            "thread_model": "toperp.helpdesk.ticket", "thread_id": self.ticket_b.id,
        })
        self.assertNotIn("B private details", json_text(answer))
        for extra in ({}, {"token": self.token_a}):
            answer = self._jsonrpc("/mail/chatter_fetch", {
                "thread_model": "toperp.helpdesk.ticket", "thread_id": self.ticket_b.id, **extra,
            })
            self.assertNotIn("B private details", json_text(answer), extra)
        answer = self._jsonrpc("/portal/chatter_init", {
            "thread_model": "toperp.helpdesk.ticket", "thread_id": self.ticket_b.id, "token": self.token_a,
        })
        self.assertNotIn("Secret ticket of B", json_text(answer))
        # The customer's own chatter works.
        answer = self._jsonrpc("/mail/chatter_fetch", {
            "thread_model": "toperp.helpdesk.ticket", "thread_id": self.ticket_a.id,
        })
        self.assertNotIn("error", answer)

    @mute_logger("odoo.http")
    def test_attachment_routes_denied(self):
        self.authenticate("portal_a", "portal_a")
        for url in (
            f"/web/content/{self.attachment_b.id}",
            f"/web/content/{self.attachment_b.id}?download=true",
            f"/web/image/{self.attachment_b.id}",
            f"/web/content/{self.attachment_b.id}?access_token={self.token_a}",
            f"/web/content/{self.attachment_b.id}?access_token={self.attachment_a.generate_access_token()[0]}",
            f"/web/content/ir.attachment/{self.attachment_b.id}/datas",
        ):
            response = self.url_open(url)
            if url.startswith("/web/image"):
                # Odoo answers a placeholder picture instead of the denied image.
                self.assertNotEqual(response.content, PNG, url)
            else:
                self.assertIn(response.status_code, (403, 404), url)
            self.assertNotIn(b"b-secret", response.content, url)
        # Portal users reach their own files with the files' tokens (as the chatter links them).
        response = self.url_open(
            f"/web/content/{self.attachment_a.id}?access_token={self.attachment_a.generate_access_token()[0]}"
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.content, PNG)
        # Upload into B's chatter.
        response = self.url_open(
            "/mail/attachment/upload",
            data={"thread_model": "toperp.helpdesk.ticket", "thread_id": self.ticket_b.id,
                  "csrf_token": common.http.Request.csrf_token(self)},
            files={"ufile": ("x.png", PNG, "image/png")},
        )
        self.assertEqual(response.status_code, 404)
        self.assertEqual(self.env["ir.attachment"].search_count(
            [("res_model", "=", "toperp.helpdesk.ticket"), ("res_id", "=", self.ticket_b.id)]), 1)

    @mute_logger("odoo.http")
    def test_orm_rpc_denied(self):
        self.authenticate("portal_a", "portal_a")
        answer = self._jsonrpc("/web/dataset/call_kw", {
            "model": "toperp.helpdesk.ticket", "method": "search_read", "args": [[]],
            "kwargs": {"fields": ["name"]},
        })
        names = {row["name"] for row in answer["result"]}
        self.assertEqual(names, {"Alpha ticket of A", "Colleague ticket of A2"})
        for method, args in (
            ("read", [[self.ticket_b.id], ["name"]]),
            ("write", [[self.ticket_a.id], {"name": "pwned"}]),
            ("create", [{"name": "pwned"}]),
            ("action_reopen", [[self.ticket_b.id]]),
        ):
            answer = self._jsonrpc("/web/dataset/call_kw", {
                "model": "toperp.helpdesk.ticket", "method": method, "args": args, "kwargs": {},
            })
            self.assertIn("error", answer, method)
        self.assertFalse(self.Ticket.search([("name", "=", "pwned")]))

    # ------------------------------------------------------------------
    # CSRF, HTML, abuse
    # ------------------------------------------------------------------

    @mute_logger("odoo.http")
    def test_forms_need_csrf(self):
        self.authenticate("portal_a", "portal_a")
        data = {
            "name": "No CSRF ticket here",
            "description": "Open the invoice list, click print and nothing happens at all",
            "affected_url": "https://a.toperp.vn/odoo/invoices",
            "video_url": "https://www.loom.com/share/abc",
            "severity_id": self.severity_low.id,
            "service_type_id": self.saas.id,
        }
        response = self._post("/my/support/new", data, csrf=False)
        self.assertEqual(response.status_code, 400)
        response = self._post("/my/support/callback", {"phone": "0901234567", "slot": "asap", "topic": "x"}, csrf=False)
        self.assertEqual(response.status_code, 400)
        response = self._post(f"/my/support/{self.ticket_a.id}/close", {"access_token": ""}, csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.Ticket.search([("name", "=", "No CSRF ticket here")]))
        self.assertFalse(self.Ticket.search([("channel", "=", "callback")]))
        self.ticket_a.invalidate_recordset()
        self.assertFalse(self.ticket_a.is_closed)

    def test_html_is_escaped(self):
        self.authenticate("portal_a", "portal_a")
        self._post("/my/support/new", {
            "name": "<script>alert('t')</script> Print broken",
            "description": "<img src=x onerror=alert(1)> open the invoice list and click print button",
            "affected_url": "https://a.toperp.vn/odoo/invoices",
            "video_url": "https://www.loom.com/share/abc\"><script>alert(3)</script>",
            "severity_id": self.severity_low.id,
            "service_type_id": self.saas.id,
        })
        # A link with markup in it is refused...
        self.assertFalse(self.Ticket.search([("name", "ilike", "Print broken")]))
        self._post("/my/support/new", {
            "name": "<script>alert('t')</script> Print broken",
            "description": "<img src=x onerror=alert(1)> open the invoice list and click print button",
            "affected_url": "https://a.toperp.vn/odoo/invoices",
            "video_url": "https://www.loom.com/share/abc",
            "severity_id": self.severity_low.id,
            "service_type_id": self.saas.id,
        })
        ticket = self.Ticket.search([("name", "ilike", "Print broken")])
        self.assertEqual(len(ticket), 1)
        self.assertNotIn("<img", ticket.description)
        self.assertIn("&lt;img", ticket.description)
        for url in ("/my/support", f"/my/support/{ticket.id}"):
            page = self.url_open(url).text
            self.assertNotIn("<script>alert('t')", page, url)
            self.assertIn("&lt;script&gt;alert(", page, url)
            self.assertNotIn("<img src=x", page, url)

    def test_ticket_creation_is_rate_limited(self):
        self.env["ir.config_parameter"].set_param("toperp_helpdesk_portal.ticket_rate_limit", "2")
        self.authenticate("portal_a", "portal_a")
        for i in range(3):
            response = self._post("/my/support/callback", {
                "phone": "0901 234 567", "slot": "asap", "topic": f"Question number {i} about invoices",
            })
        self.assertEqual(self.Ticket.search_count([("channel", "=", "callback")]), 2)
        self.assertIn("Please wait a few minutes", response.text)
        # What the customer typed is still in the form.
        self.assertIn("Question number 2 about invoices", response.text)
        # Another customer is not affected.
        self.authenticate("portal_b", "portal_b")
        self._post("/my/support/callback", {"phone": "0901 234 568", "slot": "asap", "topic": "Hello from B"})
        self.assertEqual(self.Ticket.search_count([("channel", "=", "callback")]), 3)


def json_text(answer):
    import json

    return json.dumps(answer, ensure_ascii=False)
