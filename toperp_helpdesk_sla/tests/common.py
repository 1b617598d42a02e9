from odoo import fields
from odoo.tests import TransactionCase, new_test_user


class SlaCase(TransactionCase):
    """Team, agents, a customer and SLA policies of our own (sequence below the
    shipped ones, restricted to our team) so that targets are known exactly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, mail_notrack=True))
        cls.low = cls.env.ref("toperp_helpdesk.severity_low")
        cls.medium = cls.env.ref("toperp_helpdesk.severity_medium")
        cls.high = cls.env.ref("toperp_helpdesk.severity_high")
        cls.critical = cls.env.ref("toperp_helpdesk.severity_critical")
        cls.office = cls.env.ref("toperp_helpdesk_sla.calendar_office_hours")
        cls.env["toperp.helpdesk.holiday.wizard"]._generate_holidays(cls.office, [2026, 2027])
        cls.agent = new_test_user(
            cls.env, login="sla_agent", groups="toperp_helpdesk.group_user", name="SLA Agent",
            email="agent@toperp.example", tz="Asia/Ho_Chi_Minh",
        )
        cls.manager = new_test_user(
            cls.env, login="sla_manager", groups="toperp_helpdesk.group_manager", name="SLA Manager",
            email="manager@toperp.example", tz="Asia/Ho_Chi_Minh",
        )
        cls.team = cls.env["toperp.helpdesk.team"].create(
            {
                "name": "SLA Test Team",
                "manager_id": cls.manager.id,
                "member_ids": [(6, 0, cls.agent.ids)],
                "assign_method": "manual",
                "alias_name": "sla-test-team",
                "stage_ids": [
                    (6, 0, [cls.env.ref(f"toperp_helpdesk.stage_{code}").id
                            for code in ("new", "in_progress", "waiting", "solved", "cancelled")]),
                ],
            }
        )
        cls.stage_new = cls.team._stage_new()
        cls.stage_progress = cls.team._stage_in_progress()
        cls.stage_waiting = cls.team._stage_waiting()
        cls.stage_solved = cls.team._stage_solved()
        cls.stage_cancelled = cls.team._stage_cancelled()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Khách hàng A", "email": "customer@a.example", "is_company": True}
        )
        Policy = cls.env["toperp.helpdesk.sla.policy"]
        common = {"team_ids": [(6, 0, cls.team.ids)], "warning_percent": 50.0}
        cls.policy_priority_high = Policy.create(
            dict(common, name="T Priority High", sequence=-20, support_plan="priority",
                 severity_ids=[(6, 0, (cls.high | cls.critical).ids)],
                 first_response_hours=1, resolution_hours=4, next_reply_hours=1)
        )
        cls.policy_urgent = Policy.create(
            dict(common, name="T Urgent", sequence=-10, severity_ids=[(6, 0, (cls.high | cls.critical).ids)],
                 first_response_hours=2, resolution_hours=8, next_reply_hours=2)
        )
        cls.policy_normal = Policy.create(
            dict(common, name="T Normal", sequence=-9, severity_ids=[(6, 0, (cls.low | cls.medium).ids)],
                 calendar_id=cls.office.id, first_response_hours=4, resolution_hours=25.5,
                 next_reply_hours=8)
        )

    def create_ticket(self, severity=None, **values):
        vals = {
            "name": "Lỗi báo cáo",
            "team_id": self.team.id,
            "partner_id": self.customer.id,
            "severity_id": (severity or self.medium).id,
            "user_id": self.agent.id,
        }
        vals.update(values)
        return self.env["toperp.helpdesk.ticket"].with_user(self.agent).create(vals).sudo()

    @staticmethod
    def status(ticket, target):
        return ticket.sla_status_ids.filtered(lambda s: s.target == target and s.state != "cancelled")[-1:]

    @staticmethod
    def dt(value):
        return fields.Datetime.to_datetime(value)

    def agent_reply(self, ticket, body="Chúng tôi đang xử lý."):
        return ticket.with_user(self.agent).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
        )

    def agent_note(self, ticket, body="Ghi chú nội bộ"):
        return ticket.with_user(self.agent).message_post(
            body=body, message_type="comment", subtype_xmlid="mail.mt_note"
        )

    def customer_message(self, ticket, body="Tôi vẫn gặp lỗi."):
        return ticket.message_post(
            body=body, author_id=self.customer.id, message_type="email", subtype_xmlid="mail.mt_comment"
        )
