"""The smaller things a new support team met in its first week (issue 10), each
reproduced first: "Mới False" on a new ticket, on-call titles in UTC, e-mails shown in
monospace, the page's link not copied to "URL gặp lỗi", banners left on closed tickets."""

from freezegun import freeze_time

from odoo.addons.toperp_helpdesk.tests import common
from odoo.tests import Form, HttpCase, new_test_user, tagged

PAGE = "https://hoasen.toperp.vn/odoo/action-account.action_move_out_invoice_type"
RAW = """Return-Path: <an.nguyen@hoasen.vn>
To: support@toperp.vn
From: "Nguyễn Văn An" <an.nguyen@hoasen.vn>
Subject: Không in được hóa đơn bán hàng
Date: Fri, 27 Nov 2026 09:15:00 +0700
Message-ID: <first-week-url@mail.hoasen.vn>
MIME-Version: 1.0
Content-Type: text/plain; charset="utf-8"
Content-Transfer-Encoding: 8bit

Chào anh chị,

Vào Kế toán > Hóa đơn khách hàng, chọn hóa đơn rồi bấm In thì báo lỗi.
Trang bị lỗi: {page}
Video: https://www.loom.com/share/3f2a9c1e8d7b4a6f

Trân trọng,
Nguyễn Văn An
"""


@tagged("post_install", "-at_install")
class TestFirstWeekDetails(common.HelpdeskCase):
    def test_new_ticket_is_named_new(self):
        """The breadcrumb of a ticket being typed reads "New", not "New False"."""
        self.assertEqual(self.Ticket.new({}).display_name, "New")
        ticket = self.create_ticket(name="Không in được hóa đơn")
        self.assertEqual(ticket.display_name, f"{ticket.number} Không in được hóa đơn")

    def test_on_call_titles_in_the_readers_time(self):
        shift = self.env["toperp.helpdesk.oncall"].create({
            "user_id": self.agent_1.id, "date_start": "2026-11-27 15:00:00", "date_end": "2026-11-27 23:00:00",
        })
        title = shift.with_context(tz="Asia/Ho_Chi_Minh", lang="en_US").display_name
        self.assertIn("10:00 PM", title, "22:00 in Hanoi, not 15:00 UTC")
        self.assertIn("6:00 AM", title)
        self.assertIn(self.agent_1.name, title)
        self.assertNotIn("3:00 PM", title)

    def test_plain_text_email_is_paragraphs_not_monospace(self):
        ticket = self.new_email_ticket("plain_text.eml")
        self.assertNotIn("<pre", ticket.description)
        self.assertIn("<p>Chào anh chị,</p>", ticket.description)
        self.assertIn("<br>", ticket.description, "the e-mail's line breaks are kept")
        opening = ticket.message_ids.filtered(lambda m: m.message_type == "email")
        self.assertNotIn("<pre", opening.body)

    def test_page_link_of_the_email_or_call_is_the_affected_url(self):
        thread_id = self.env["mail.thread"].sudo().message_process(None, RAW.format(page=PAGE))
        ticket = self.Ticket.browse(thread_id)
        self.assertEqual(ticket.affected_url, PAGE, "the page's link, not the Loom recording")
        # The hotline: the agent types the link the caller reads out.
        view = self.env.ref("toperp_helpdesk.toperp_helpdesk_ticket_view_form_phone")
        with Form(self.Ticket.with_user(self.agent_1).with_context(default_channel="phone"), view=view) as call:
            call.partner_id = self.customer
            call.name = "Khách gọi báo không in được hóa đơn"
            call.description = f"<p>Khách đang ở trang {PAGE} thì bấm In bị lỗi</p>"
            self.assertEqual(call.affected_url, PAGE, "shown in the dialog as it is typed")
        self.assertEqual(call.record.affected_url, PAGE)
        # A link the customer gave is kept.
        portal = self.create_ticket(affected_url="https://sonha.toperp.vn/odoo/sales", description=f"<p>{PAGE}</p>")
        self.assertEqual(portal.affected_url, "https://sonha.toperp.vn/odoo/sales")


@tagged("post_install", "-at_install")
class TestClosedTicketBanners(HttpCase):
    def test_no_banner_left_on_a_closed_ticket(self):
        new_test_user(self.env, login="hd_banner_agent", password="hd_banner_agent",
                      groups="toperp_helpdesk.group_user")
        team = self.env.ref("toperp_helpdesk.team_support")
        company = self.env["res.partner"].create({
            "name": "Công ty TNHH An Phú", "is_company": True, "toperp_support_suspended": True,
        })
        with freeze_time("2026-11-27 03:00:00"):
            ticket = self.env["toperp.helpdesk.ticket"].create({
                "name": "Lỗi", "team_id": team.id, "partner_id": company.id, "description": "<p>gấp</p>",
            })
        self.assertTrue(ticket.missing_info_label and ticket.support_suspended, "banners while open")
        ticket.stage_id = self.env.ref("toperp_helpdesk.stage_cancelled")
        self.browser_js(
            f"/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action/{ticket.id}",
            """
            const alerts = [...document.querySelectorAll('.o_form_view .alert')].map((a) => a.textContent.trim());
            if (alerts.length) { throw new Error(`banners on a closed ticket: ${alerts.join(' | ')}`); }
            console.log('test successful');
            """,
            ready="!!document.querySelector('.o_form_view .o_statusbar_status')",
            login="hd_banner_agent",
        )
