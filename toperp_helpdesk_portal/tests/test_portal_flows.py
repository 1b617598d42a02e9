import base64

import babel.dates
from freezegun import freeze_time

from odoo.tests import tagged

from . import common

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@tagged("post_install", "-at_install")
class TestPortalFlows(common.PortalCase):
    def _form(self, **values):
        data = {
            "name": "Cannot print the sales invoice",
            "description": "Open Sales > Invoices, select one invoice, click Print: an error appears",
            "affected_url": "https://a.toperp.vn/odoo/action-account.action_move_out_invoice_type",
            "video_url": "",
            "severity_id": self.severity_high.id,
            "service_type_id": self.saas.id,
        }
        data.update(values)
        return data

    def _flush_tracking(self):
        self.env.flush_all()
        self.env.cr.precommit.run()

    # ------------------------------------------------------------------
    # New ticket
    # ------------------------------------------------------------------

    def test_new_ticket_with_screenshot(self):
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/support/new").text
        # Each level comes with the policy's criteria, and the hotline is ready.
        self.assertIn("Data is corrupted", page)
        self.assertIn(self.team.hotline, page)
        for field in ('name="name"', 'name="description"', 'name="affected_url"', 'name="video_url"',
                      'name="attachments"', 'name="severity_id"', 'name="service_type_id"'):
            self.assertIn(field, page)
        response = self._post("/my/support/new", self._form(), files={"attachments": ("shot.png", PNG, "image/png")})
        ticket = self.Ticket.search([("partner_id", "=", self.user_a.partner_id.id)])
        self.assertEqual(len(ticket), 1)
        self.assertTrue(response.url.endswith(f"/my/support/{ticket.id}?created=1"))
        self.assertIn(ticket.number, response.text)
        self.assertEqual(ticket.channel, "portal")
        self.assertEqual(ticket.severity_id, self.severity_high)
        self.assertEqual(ticket.service_type_id, self.saas)
        self.assertEqual(ticket.commercial_partner_id, self.company_a)
        self.assertTrue(ticket.has_evidence_attachment)
        self.assertFalse(ticket.missing_info)
        self.assertEqual(ticket.message_attachment_count, 1)
        # Acknowledged by e-mail, once.
        self.assertTrue(ticket.ack_sent)
        acks = ticket.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertEqual(len(acks), 1)
        self.assertIn(ticket.number, acks.subject)
        self.assertEqual(acks.partner_ids, self.user_a.partner_id)

    def test_new_ticket_over_the_rate_limit_keeps_the_form(self):
        self.env["ir.config_parameter"].set_param("toperp_helpdesk_portal.ticket_rate_limit", "1")
        self.authenticate("portal_a", "portal_a")
        self._post("/my/support/new", self._form(), files={"attachments": ("shot.png", PNG, "image/png")})
        page = self._post(
            "/my/support/new", self._form(name="Cannot post the stock picking"),
            files={"attachments": ("shot.png", PNG, "image/png")},
        ).text
        self.assertEqual(self.Ticket.search_count([("partner_id", "=", self.user_a.partner_id.id)]), 1)
        self.assertIn("Please wait a few minutes", page)
        # What was typed is kept; the files are not, and the customer is told so.
        self.assertIn("Cannot post the stock picking", page)
        self.assertIn("Files are not kept after an error", page)

    def test_new_ticket_with_loom_link_only(self):
        self.authenticate("portal_a", "portal_a")
        self._post("/my/support/new", self._form(video_url="https://www.loom.com/share/0123abcd"))
        ticket = self.Ticket.search([("partner_id", "=", self.user_a.partner_id.id)])
        self.assertIn("https://www.loom.com/share/0123abcd", ticket.media_urls)
        self.assertFalse(ticket.missing_info)

    def test_validation_errors_keep_what_was_typed(self):
        self.authenticate("portal_a", "portal_a")
        response = self._post("/my/support/new", {
            "name": "help",
            "description": "broken",
            "affected_url": "a.toperp.vn/odoo",
            "video_url": "",
        })
        page = response.text
        self.assertFalse(self.Ticket.search([]).filtered(lambda t: t.partner_id == self.user_a.partner_id))
        self.assertIn('data-field="name"', page)
        self.assertIn("Describe the problem in a few words", page)
        self.assertIn("describe the steps in more detail", page)
        self.assertIn("must be a full URL starting with http", page)
        self.assertIn("Attach screenshots or a video", page)
        self.assertIn("choose the severity", page)
        self.assertIn("choose the service concerned", page)
        # What the customer typed is still there.
        self.assertIn('value="a.toperp.vn/odoo"', page)
        self.assertIn(">broken</textarea>", page)

    def test_upload_limits(self):
        self.env["ir.config_parameter"].set_param("toperp_helpdesk_portal.max_upload_mb", "1")
        self.authenticate("portal_a", "portal_a")
        cases = [
            (("setup.exe", b"MZ\x90\x00" * 10, "application/octet-stream"), "is not accepted"),
            (("big.mp4", b"\x00" * (1024 * 1024 + 10), "video/mp4"), "is larger than 1 MB"),
            (("fake.png", b"<html><script>alert(1)</script></html>", "image/png"), "does not match its type"),
        ]
        for upload, message in cases:
            response = self._post("/my/support/new", self._form(), files={"attachments": upload})
            self.assertIn(message, response.text, upload[0])
            self.assertIn("Cannot print the sales invoice", response.text)
        self.assertFalse(self.Ticket.search([("partner_id", "=", self.user_a.partner_id.id)]))

    # ------------------------------------------------------------------
    # Call-back
    # ------------------------------------------------------------------

    def test_callback_request(self):
        self.authenticate("portal_a", "portal_a")
        response = self._post("/my/support/callback", {"phone": "abc", "slot": "asap", "topic": ""})
        self.assertIn("does not look valid", response.text)
        self.assertIn("what the call is about", response.text)
        response = self._post("/my/support/callback", {
            "phone": "0901 234 567", "slot": "tomorrow_afternoon", "topic": "Question about the VAT report",
        })
        ticket = self.Ticket.search([("channel", "=", "callback")])
        self.assertEqual(len(ticket), 1)
        self.assertIn("Call-back request", ticket.name)
        self.assertEqual(ticket.partner_id, self.user_a.partner_id)
        self.assertEqual(ticket.partner_phone, "0901 234 567")
        activity = ticket.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.agent)
        # The number is in the note, not in the summary (an e-mail subject, lists).
        self.assertNotIn("0901 234 567", activity.summary)
        self.assertIn("0901 234 567", activity.note)
        self.assertIn("afternoon", activity.summary)
        self.assertIn("registered", response.text)

    # ------------------------------------------------------------------
    # Close, rate, reopen
    # ------------------------------------------------------------------

    def test_close_rate_reopen(self):
        ticket = self._ticket(self.user_a, "Report totals are wrong")
        self.authenticate("portal_a2", "portal_a2")
        self._post(f"/my/support/{ticket.id}/close")
        ticket.invalidate_recordset()
        self.assertTrue(ticket.is_closed)
        self.assertEqual(ticket.stage_id, self.env.ref("toperp_helpdesk.stage_solved"))
        # The page asks for a rating: no e-mail asks again (it came after she rated).
        self.assertFalse(ticket.message_ids.filtered(lambda m: "How did we do" in (m.subject or "")))
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertIn("o_toperp_rating_form", page)
        self._post(f"/my/support/{ticket.id}/rate", {"rate": "7"})
        self.assertFalse(ticket.rating_ids.filtered("consumed"))
        self._post(f"/my/support/{ticket.id}/rate", {"rate": "5", "feedback": "Fast and clear"})
        rating = ticket.rating_ids.filtered("consumed")
        self.assertEqual(len(rating), 1)
        self.assertEqual(rating.rating, 5)
        self.assertEqual(rating.partner_id, self.user_a2.partner_id)
        self.assertEqual(rating.feedback, "Fast and clear")
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertIn("Fast and clear", page)
        self.assertNotIn("o_toperp_rating_form", page)
        self._post(f"/my/support/{ticket.id}/reopen")
        ticket.invalidate_recordset()
        self.assertFalse(ticket.is_closed)
        self.assertEqual(ticket.stage_id, self.env.ref("toperp_helpdesk.stage_in_progress"))
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertNotIn("Fast and clear", page, "the old rating is not shown on the reopened ticket")
        self.assertNotIn("o_toperp_rating_done", page)

    def test_agent_solving_sends_rating_request(self):
        ticket = self._ticket(self.user_a, "Report totals are wrong")
        ticket.with_user(self.agent).stage_id = self.env.ref("toperp_helpdesk.stage_solved")
        self._flush_tracking()
        request = ticket.message_ids.filtered(lambda m: "How did we do" in (m.subject or ""))
        self.assertEqual(len(request), 1)
        # One e-mail: the rating request replaces the plain "solved" e-mail.
        self.assertFalse(ticket.message_ids.filtered(lambda m: "has been solved" in (m.subject or "")))
        self.assertEqual(request.partner_ids, self.user_a.partner_id)
        token = ticket.rating_ids.access_token
        self.assertIn(f"/rate/{token}/5", request.body)
        # Out-of-scope closures ask nothing.
        other = self._ticket(self.user_a, "Windows update broke the printer")
        other.scope_reason_id = self.env["toperp.helpdesk.scope.reason"].search([], limit=1)
        other.stage_id = self.env.ref("toperp_helpdesk.stage_solved")
        self._flush_tracking()
        self.assertFalse(other.rating_ids)
        self.assertFalse(other.message_ids.filtered(lambda m: "How did we do" in (m.subject or "")))

    # ------------------------------------------------------------------
    # Home, banner, SLA, queries
    # ------------------------------------------------------------------

    def test_home_counter(self):
        self._ticket(self.user_a, "First one")
        self._ticket(self.user_a2, "Second one")
        self._ticket(self.user_b, "Not mine")
        self.authenticate("portal_a", "portal_a")
        answer = self._jsonrpc("/my/counters", {"counters": ["toperp_ticket_count"]})
        self.assertEqual(answer["result"], {"toperp_ticket_count": 2})
        self.assertIn("Support Tickets", self.url_open("/my").text)

    @freeze_time("2026-11-27 10:00:00")
    def test_maintenance_banner(self):
        Maintenance = self.env["toperp.helpdesk.maintenance"]
        Maintenance.create({
            "name": "Database upgrade", "date_start": "2026-11-28 15:00:00", "date_end": "2026-11-28 17:00:00",
            "announced_date": "2026-11-20 09:00:00",
        })
        Maintenance.create({
            "name": "Secret unannounced work", "date_start": "2026-11-27 09:00:00", "date_end": "2026-11-27 11:00:00",
        })
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/support").text
        self.assertIn("Database upgrade", page)
        # Shown in the customer's time zone (UTC+7).
        self.assertIn("11/28/26, 10:00 PM", page)
        self.assertNotIn("Secret unannounced work", page)

    def test_list_filters_and_sort(self):
        for i in range(3):
            self._ticket(self.user_a, f"Open ticket {i}")
        closed = self._ticket(self.user_a, "Closed ticket")
        closed.stage_id = self.env.ref("toperp_helpdesk.stage_solved")
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/support?filterby=closed").text
        self.assertIn("Closed ticket", page)
        self.assertNotIn("Open ticket 1", page)
        page = self.url_open("/my/support?filterby=open&search=ticket 1").text
        self.assertIn("Open ticket 1", page)
        self.assertNotIn("Open ticket 2", page)
        self.assertNotIn("Closed ticket", page)
        critical = self._ticket(
            self.user_a, "Critical one", severity_id=self.env.ref("toperp_helpdesk.severity_critical").id
        )
        page = self.url_open("/my/support?sortby=severity").text
        self.assertLess(page.index("Critical one"), page.index("Open ticket 0"))
        self.assertIn(critical.number, page)
        # Query counts: test_portal_query_count.py

    @freeze_time("2026-11-27 09:00:00")
    def test_sla_deadlines_in_customer_time_zone(self):
        ticket = self._ticket(self.user_a, "Deadline ticket", severity_id=self.severity_high.id)
        deadline = ticket.sla_deadline
        self.assertTrue(deadline)
        shown = babel.dates.format_datetime(
            deadline, format="short", tzinfo=babel.dates.get_timezone("Asia/Ho_Chi_Minh"), locale="en_US"
        )
        utc = babel.dates.format_datetime(deadline, format="short", tzinfo=babel.dates.UTC, locale="en_US")
        self.authenticate("portal_a", "portal_a")
        list_page = self.url_open("/my/support").text
        self.assertIn("o_toperp_sla_deadline", list_page)
        self.assertIn(shown, list_page)
        self.assertNotIn(utc, list_page)
        page = self.url_open(f"/my/support/{ticket.id}").text
        self.assertEqual(page.count("o_toperp_sla_status"), len(ticket.sla_status_ids))
        self.assertIn(shown, page)
        self.assertIn('data-state="running"', page)

    @freeze_time("2026-02-13 09:00:00")  # Friday 16:00 in Hanoi, the last working day before Tết
    def test_sla_timeline_explains_the_deadline(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["toperp_helpdesk_sla"], ["vi_VN"], overwrite=True)
        office = self.env.ref("toperp_helpdesk_sla.calendar_office_hours")
        self.env["toperp.helpdesk.holiday.wizard"]._generate_holidays(office, [2026])
        ticket = self._ticket(self.user_a, "Lỗi in hóa đơn", severity_id=self.severity_low.id)
        self.assertEqual(ticket.sla_status_ids.calendar_id, office)
        self.authenticate("portal_a", "portal_a")
        page = " ".join(self.url_open(f"/my/support/{ticket.id}").text.split())
        self.assertIn("o_toperp_sla_timeline", page)
        self.assertIn("Skipped holiday: Tết Nguyên Đán (02/17/2026).", page)
        self.user_a.lang = "vi_VN"
        self.authenticate("portal_a", "portal_a")
        page = " ".join(self.url_open(f"/my/support/{ticket.id}").text.split())
        self.assertIn("Không tính ngày nghỉ: Tết Nguyên Đán (17/02/2026).", page)
        self.assertIn("Bắt đầu lúc 16:00, 13/02/2026.", page)

    def test_search_without_accents(self):
        invoice = self._ticket(self.user_a, "Lỗi in hóa đơn điện tử")
        login = self._ticket(self.user_a, "Không đăng nhập được", description="<p>Sai mật khẩu</p>")
        self.authenticate("portal_a", "portal_a")
        page = self.url_open("/my/support?filterby=all&search=hoa don").text
        self.assertIn(invoice.number, page)
        self.assertNotIn(login.number, page)
        page = self.url_open("/my/support?filterby=all&search=khong dang nhap").text
        self.assertIn(login.number, page)
        self.assertNotIn(invoice.number, page)
        page = self.url_open("/my/support?filterby=all&search=sai mat khau").text
        self.assertIn(login.number, page, "the description too")
