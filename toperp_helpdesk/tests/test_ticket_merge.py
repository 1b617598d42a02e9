"""Merging duplicate tickets (issue 15): the oldest ticket keeps everything, the others
close with a link to it, and e-mail to them lands in it."""

import base64

from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.tests import Form
from odoo.tools import mute_logger

from . import common

GATEWAY_LOGGERS = (
    "odoo.addons.mail.models.mail_thread",
    "odoo.addons.toperp_helpdesk.models.mail_thread",
    "odoo.addons.toperp_helpdesk.models.toperp_helpdesk_mail_gateway",
    "odoo.addons.toperp_helpdesk.models.toperp_helpdesk_ticket_mail",
)


class TestTicketMerge(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk"], ["vi_VN"], overwrite=True)
        cls.colleague = cls.env["res.partner"].create({
            "name": "Trương Thị Lan", "email": "lan.truong@hoasen.vn", "parent_id": cls.customer_company.id,
            "lang": "vi_VN",
        })
        cls.other_company = cls.env["res.partner"].create({"name": "Công ty Cổ phần Mai Vàng", "is_company": True})
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Đỗ Minh Khoa", "email": "khoa@maivang.vn", "parent_id": cls.other_company.id}
        )

    def _duplicates(self):
        """An e-mail report, then the same problem by a hotline call, then a colleague."""
        with freeze_time("2026-11-27 02:00:00"):
            first = self.new_email_ticket(subject="Không in được hóa đơn")
        with freeze_time("2026-11-27 02:30:00"):
            call = self.create_ticket(
                name="Gọi điện: không in được hóa đơn", channel="phone", description="<p>Khách gọi hotline.</p>",
            ).with_user(self.agent_1)
            call.invalidate_recordset()
        with freeze_time("2026-11-27 03:00:00"):
            colleague = self.create_ticket(name="In hóa đơn báo lỗi", partner_id=self.colleague.id, channel="portal")
            colleague.message_post(
                body="Em gửi ảnh màn hình.", author_id=self.colleague.id, message_type="comment",
                subtype_xmlid="mail.mt_comment",
                attachments=[("loi.png", base64.b64decode(
                    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
                ))],
            )
        return first, call.sudo(), colleague

    def test_merge_keeps_the_oldest_with_everything(self):
        first, call, colleague = self._duplicates()
        moved = (call | colleague).message_ids - (call | colleague).message_ids.filtered(
            lambda m: m.message_type == "notification"
        )
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", colleague._name), ("res_id", "=", colleague.id)]
        )
        self.assertEqual(len(attachment), 1)
        with freeze_time("2026-11-27 04:00:00"):
            wizard = Form(self.env["toperp.helpdesk.ticket.merge.wizard"].with_user(self.agent_1).with_context(
                active_model=self.Ticket._name, active_ids=(colleague | call | first).ids,
            ))
            self.assertEqual(wizard.survivor_id, first, "the oldest report is kept")
            action = wizard.save().action_merge()
        self.assertEqual(action["res_id"], first.id)
        self.assertLessEqual(moved, first.message_ids, "their messages moved to the kept ticket")
        self.assertEqual(attachment.res_id, first.id, "the screenshot moved too")
        self.assertIn(self.colleague, first.message_partner_ids, "the colleague follows the kept ticket")
        self.assertEqual(first.first_response_date, call.first_response_date, "the hotline call answered")
        self.assertTrue(first.has_evidence_attachment)
        self.assertFalse(first.is_closed)
        note = first.message_ids.filtered(lambda m: m.subtype_id == self.env.ref("mail.mt_note"))[:1]
        self.assertIn(call.number, note.body)
        self.assertIn("Khách gọi hotline.", note.body)
        for duplicate in call | colleague:
            self.assertEqual(duplicate.merged_into_id, first)
            self.assertEqual(duplicate.stage_id, self.stage_cancelled)
            notice = duplicate.message_ids.filtered(lambda m: m.message_type == "auto_comment")
            self.assertEqual(len(notice), 1, "the customer is told once")
            self.assertIn("đã gộp vào <a href=", notice.body)
            self.assertIn(f">{first.number}</a>", notice.body)
            self.assertFalse(notice.is_internal)
        self.assertEqual(first.merged_ticket_ids, call | colleague)

    def test_merge_takes_the_earliest_report(self):
        with freeze_time("2026-11-27 02:00:00"):
            email = self.create_ticket(name="Lỗi in")
        with freeze_time("2026-11-27 03:00:00"):
            # Logged after the e-mail, but the customer called before writing.
            call = self.create_ticket(name="Cuộc gọi", channel="phone", reported_date="2026-11-27 01:30:00")
        survivor = (email | call)._merge()
        self.assertEqual(survivor, call, "the oldest report wins")
        self.assertEqual(str(survivor.reported_date), "2026-11-27 01:30:00")
        self.assertEqual(email.merged_into_id, call)

    def test_only_tickets_of_one_company(self):
        ticket = self.create_ticket()
        other = self.create_ticket(partner_id=self.other_customer.id)
        with self.assertRaises(UserError):
            ticket._merge()
        with self.assertRaises(UserError):
            (ticket | other)._merge()
        colleague = self.create_ticket(partner_id=self.colleague.id)
        (ticket | colleague)._merge()
        with self.assertRaises(UserError):
            (colleague | self.create_ticket())._merge()

    def test_email_to_a_merged_ticket_lands_in_the_kept_one(self):
        first, call, _colleague = self._duplicates()
        (first | call)._merge()
        notice = call.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        count = len(first.message_ids)
        # A reply to the merge notice, and a reply that kept only the number.
        for extra, subject in (
            ({"In-Reply-To": notice.message_id}, "Re: đã gộp"),
            ({}, f"RE: [{call.number}] Gọi điện: không in được hóa đơn"),
        ):
            with mute_logger(*GATEWAY_LOGGERS):
                thread_id = self.process_fixture("plain_text.eml", subject=subject, extra=extra)
            self.assertEqual(thread_id, first.id, subject)
        self.assertEqual(len(first.message_ids), count + 2)
        self.assertEqual(len(call.message_ids.filtered(lambda m: m.message_type == "email")), 0)

    def test_merge_from_the_form_adds_a_duplicate(self):
        first = self.create_ticket(name="Không đăng nhập được")
        second = self.create_ticket(name="Không vào được hệ thống", partner_id=self.colleague.id)
        action = second.action_merge()
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"]))
        wizard.ticket_ids.add(first)
        wizard.save().action_merge()
        self.assertEqual(second.merged_into_id, first)
