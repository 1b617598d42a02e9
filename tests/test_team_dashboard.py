"""The team's overview (issue 15): each figure of the card against hand-made tickets,
and the list each figure opens."""

from freezegun import freeze_time

from odoo.addons.toperp_helpdesk.tests import common
from odoo.tests import tagged


@tagged("post_install", "-at_install")
class TestTeamDashboard(common.HelpdeskCase):
    def ticket(self, severity, when, **values):
        with freeze_time(when):
            values.setdefault("user_id", self.agent_1.id)
            return self.Ticket.create(dict(
                name="Lỗi", partner_id=self.customer.id, team_id=self.desk.id, severity_id=severity.id, **values,
            ))

    def agent_reply(self, ticket, when):
        with freeze_time(when):
            ticket.with_user(self.agent_1).message_post(
                body="Chúng tôi đang xử lý.", message_type="comment", subtype_xmlid="mail.mt_comment",
            )

    def test_figures_and_their_lists(self):
        self.desk = self.env["toperp.helpdesk.team"].create(
            {"name": "Bàn hỗ trợ", "member_ids": [(6, 0, self.agent_1.ids)], "assign_method": "manual"}
        )
        # Last month: answered and solved, rated badly this month.
        old = self.ticket(self.severity_high, "2026-10-30 03:00:00")
        self.agent_reply(old, "2026-10-30 03:30:00")
        with freeze_time("2026-10-30 04:00:00"):
            old.stage_id = self.desk._stage_solved()
        unassigned = self.ticket(self.severity_critical, "2026-11-27 10:00:00", user_id=False)
        answered = self.ticket(self.severity_critical, "2026-11-27 10:00:00")
        self.agent_reply(answered, "2026-11-27 10:10:00")
        late = self.ticket(self.severity_high, "2026-11-27 07:00:00")
        waiting = self.ticket(self.severity_medium, "2026-11-27 10:00:00")
        with freeze_time("2026-11-27 10:01:00"):
            waiting.stage_id = self.desk._stage_waiting()
        solved = self.ticket(self.severity_low, "2026-11-27 10:00:00")
        with freeze_time("2026-11-27 10:05:00"):
            solved.stage_id = self.desk._stage_solved()
        later = self.ticket(self.severity_high, "2026-11-27 09:45:00")
        with freeze_time("2026-11-27 10:06:00"):
            solved._portal_rate(self.customer, 5)
            old._portal_rate(self.customer, 1)
        self.env.flush_all()
        with freeze_time("2026-11-27 10:30:00"):
            self.env["toperp.helpdesk.sla.status"]._cron_sla_warnings()
            self.env.flush_all()
            self.desk.invalidate_recordset()
            figures = {
                name: self.desk[f"dashboard_{name}_count"]
                for name in ("critical", "high", "medium", "low", "unassigned", "waiting", "breaching", "breached")
            }
            self.assertEqual(figures, {
                "critical": 2, "high": 2, "medium": 1, "low": 0,
                "unassigned": 1, "waiting": 1,
                "breaching": 1,  # the unanswered Critical: due at 11:00
                "breached": 1,  # the High of 07:00: due at 09:00
            })
            self.assertEqual(self.desk.open_ticket_count, 5)
            # This month: answered Critical (met), solved Low (resolution met), late High (breached).
            self.assertAlmostEqual(self.desk.dashboard_sla_achievement, 200 / 3, places=2)
            self.assertEqual((self.desk.dashboard_rating_avg, self.desk.dashboard_rating_count), (3.0, 2))
            expected = {
                "critical": unassigned | answered, "high": late | later, "medium": waiting,
                "unassigned": unassigned, "waiting": waiting, "breaching": unassigned, "breached": late,
            }
            for figure, tickets in expected.items():
                action = self.desk.with_context(toperp_dashboard=figure).action_dashboard_tickets()
                self.assertEqual(self.Ticket.search(action["domain"]), tickets, figure)
            report = self.desk.action_dashboard_sla()
            rows = self.env[report["res_model"]].search(report["domain"])
            self.assertEqual(sorted(rows.mapped("state")), ["breached", "met", "met"])
            ratings = self.desk.action_dashboard_ratings()
            self.assertEqual(sorted(self.env["rating.rating"].search(ratings["domain"]).mapped("rating")), [1, 5])
