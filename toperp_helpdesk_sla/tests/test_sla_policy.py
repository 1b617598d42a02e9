from odoo.tests import freeze_time

from . import common


class TestSlaPolicy(common.SlaCase):
    def test_first_match_by_sequence_and_plan(self):
        ticket = self.create_ticket(self.high)
        self.assertEqual(ticket.sla_policy_id, self.policy_urgent)
        self.customer.toperp_support_plan = "priority"
        self.assertEqual(ticket.sla_policy_id, self.policy_priority_high, "plan change re-applies policies")
        self.policy_priority_high.sequence = 0  # now after the Urgent policy
        other = self.create_ticket(self.high)
        self.assertEqual(other.sla_policy_id, self.policy_urgent)

    @freeze_time("2026-11-27 10:00:00")
    def test_policy_change_applies_to_the_next_ticket(self):
        """Policy targets are kept in the registry cache: a change is used at once."""
        first = self.create_ticket(self.high)
        self.assertEqual(self.status(first, "first_response").target_hours, 2)
        self.policy_urgent.write({"first_response_hours": 3, "warning_percent": 80, "calendar_id": self.office.id})
        second = self.create_ticket(self.high)
        status = self.status(second, "first_response")
        self.assertEqual(status.target_hours, 3)
        self.assertEqual(status.warning_percent, 80)
        self.assertEqual(status.calendar_id, self.office)
        # Friday 17:00 in Hanoi: 30 minutes today, then Monday 08:00-10:30 local.
        self.assertEqual(status.deadline, self.dt("2026-11-30 03:30:00"))

    def test_policy_criteria(self):
        Policy = self.env["toperp.helpdesk.sla.policy"]
        saas = self.env.ref("toperp_helpdesk.service_type_saas")
        vip = self.env["res.partner"].create({"name": "VIP", "is_company": True})
        contact = self.env["res.partner"].create({"name": "VIP contact", "parent_id": vip.id})
        special = Policy.create(
            {
                "name": "VIP SaaS",
                "sequence": -100,
                "partner_ids": [(6, 0, vip.ids)],
                "service_type_ids": [(6, 0, saas.ids)],
                "first_response_hours": 0.5,
            }
        )
        ticket = self.create_ticket(self.low, partner_id=contact.id, service_type_id=saas.id)
        self.assertEqual(ticket.sla_policy_id, special, "a company's policy applies to its contacts")
        other = self.create_ticket(self.low, service_type_id=saas.id)
        self.assertEqual(other.sla_policy_id, self.policy_normal)

    @freeze_time("2026-11-27 10:00:00")  # Friday 17:00 in Hanoi
    def test_office_hours_skip_weekend(self):
        self.policy_normal.first_response_hours = 2
        ticket = self.create_ticket(self.medium)
        # 17:00-17:30 Friday, then Monday 08:00-09:30 local = 02:30 UTC.
        self.assertEqual(self.status(ticket, "first_response").deadline, self.dt("2026-11-30 02:30:00"))
        self.assertEqual(ticket.sla_deadline, self.dt("2026-11-30 02:30:00"))

    @freeze_time("2026-02-13 10:00:00")  # Friday 17:00 in Hanoi, Tết on 16-20 February
    def test_office_hours_skip_tet(self):
        self.policy_normal.first_response_hours = 2
        ticket = self.create_ticket(self.low)
        self.assertEqual(self.status(ticket, "first_response").deadline, self.dt("2026-02-23 02:30:00"))

    @freeze_time("2026-11-27 10:00:00")
    def test_high_and_critical_run_24_7(self):
        for severity in (self.high, self.critical):
            ticket = self.create_ticket(severity)
            self.assertFalse(ticket.sla_policy_id.calendar_id)
            self.assertEqual(self.status(ticket, "first_response").deadline, self.dt("2026-11-27 12:00:00"))
            self.assertEqual(self.status(ticket, "resolution").deadline, self.dt("2026-11-27 18:00:00"))

    def test_shipped_policies(self):
        """The shipped defaults: High/Critical 24/7, Low/Medium on office hours, the
        Priority plan tighter than Standard."""
        Policy = self.env["toperp.helpdesk.sla.policy"]
        for code in ("low", "medium", "high", "critical"):
            standard = self.env.ref(f"toperp_helpdesk_sla.sla_policy_{code}")
            priority = self.env.ref(f"toperp_helpdesk_sla.sla_policy_priority_{code}")
            self.assertEqual(bool(standard.calendar_id), code in ("low", "medium"))
            self.assertEqual(standard.calendar_id, priority.calendar_id)
            self.assertLess(priority.first_response_hours, standard.first_response_hours)
            self.assertLess(priority.resolution_hours, standard.resolution_hours)
            self.assertLess(priority.sequence, standard.sequence)
        # A ticket of another team falls on the shipped policies.
        team = self.env["toperp.helpdesk.team"].create({"name": "Other", "alias_name": "sla-other"})
        ticket = self.env["toperp.helpdesk.ticket"].create(
            {"name": "Sập hệ thống", "team_id": team.id, "severity_id": self.critical.id}
        )
        self.assertEqual(ticket.sla_policy_id, self.env.ref("toperp_helpdesk_sla.sla_policy_critical"))
        self.assertTrue(Policy.search([("id", "=", ticket.sla_policy_id.id), ("calendar_id", "=", False)]))

    def test_no_target_no_status(self):
        self.policy_normal.next_reply_hours = 0
        self.policy_normal.resolution_hours = 0
        ticket = self.create_ticket(self.low)
        self.assertEqual(ticket.sla_status_ids.mapped("target"), ["first_response"])
