import threading

from freezegun import freeze_time

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests.common import BaseCase, get_db_name

from . import common


class TestSlaCron(common.SlaCase):
    def _activities(self, ticket, xmlid):
        activity_type = self.env.ref(f"toperp_helpdesk_sla.{xmlid}")
        return self.env["mail.activity"].search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id), ("activity_type_id", "=", activity_type.id)]
        )

    def test_warning_then_escalation_once(self):
        Status = self.env["toperp.helpdesk.sla.status"]
        with freeze_time("2026-11-16 02:00:00"):
            ticket = self.create_ticket(self.high)  # first response 2 h, warning at 50%
            unassigned = self.create_ticket(self.high, user_id=False)
            first = self.status(ticket, "first_response")
            self.assertEqual(first.warning_date, self.dt("2026-11-16 03:00:00"))
            Status._cron_sla_warnings()
            self.assertFalse(self._activities(ticket, "mail_activity_type_sla_warning"))
        with freeze_time("2026-11-16 03:10:00"):
            Status._cron_sla_warnings()
            warning = self._activities(ticket, "mail_activity_type_sla_warning")
            self.assertEqual(warning.user_id, self.agent, "the assignee is warned")
            self.assertTrue(first.warned)
            self.assertEqual(ticket.sla_state, "at_risk")
            self.assertTrue(ticket.sla_breaching_soon)
            self.assertIn(ticket, self.env["toperp.helpdesk.ticket"].search([("sla_breaching_soon", "=", True)]))
            self.assertEqual(
                self._activities(unassigned, "mail_activity_type_sla_warning").user_id,
                self.manager,
                "nobody assigned: the team manager is warned",
            )
            Status._cron_sla_warnings()
            self.assertEqual(len(self._activities(ticket, "mail_activity_type_sla_warning")), 1)
        with freeze_time("2026-11-16 04:05:00"):
            messages_before = len(ticket.message_ids)
            Status._cron_sla_warnings()
            self.assertEqual(first.state, "breached")
            self.assertTrue(first.escalated)
            self.assertEqual(ticket.sla_state, "breached")
            breach = self._activities(ticket, "mail_activity_type_sla_breach")
            self.assertEqual(breach.user_id, self.manager)
            self.assertEqual(len(ticket.message_ids), messages_before + 1)
            self.assertIn("SLA breached", str(ticket.message_ids[0].body))
            digest = self.env["mail.message"].search(
                [("model", "=", "toperp.helpdesk.team"), ("res_id", "=", self.team.id),
                 ("partner_ids", "in", self.manager.partner_id.ids)]
            )
            self.assertEqual(len(digest), 1, "one notification for the manager per run")
            self.assertIn(ticket.number, str(digest.body))
            self.assertIn(unassigned.number, str(digest.body))
            self.assertIn(ticket, self.env["toperp.helpdesk.ticket"].search([("sla_state", "=", "breached")]))
        with freeze_time("2026-11-16 05:00:00"):
            Status._cron_sla_warnings()
            self.assertEqual(len(self._activities(ticket, "mail_activity_type_sla_breach")), 1)
            self.assertEqual(len(ticket.message_ids), messages_before + 1)

    def test_paused_and_met_clocks_are_left_alone(self):
        Status = self.env["toperp.helpdesk.sla.status"]
        with freeze_time("2026-11-16 02:00:00"):
            paused = self.create_ticket(self.high)
            paused.stage_id = self.stage_waiting
            answered = self.create_ticket(self.high)
            self.agent_reply(answered)
        with freeze_time("2026-11-16 05:00:00"):
            Status._cron_sla_warnings()
            self.assertFalse(paused.activity_ids)
            self.assertEqual(self.status(paused, "first_response").state, "paused")
            self.assertEqual(self.status(answered, "first_response").state, "met")

    def test_batches_retrigger(self):
        Status = self.env["toperp.helpdesk.sla.status"]
        with freeze_time("2026-11-16 02:00:00"):
            tickets = [self.create_ticket(self.critical) for _i in range(3)]
        cron = self.env.ref("toperp_helpdesk_sla.ir_cron_sla_warnings")
        with freeze_time("2026-11-16 09:00:00"):
            triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)])
            self.assertEqual(Status._cron_sla_warnings(batch_size=4), 4)
            self.assertGreater(self.env["ir.cron.trigger"].search_count([("cron_id", "=", cron.id)]), triggers)
            self.assertEqual(Status._cron_sla_warnings(batch_size=4), 2)
            self.assertEqual(Status._cron_sla_warnings(batch_size=4), 0)
        for ticket in tickets:
            self.assertEqual(self.status(ticket, "first_response").state, "breached")
            resolution = self.status(ticket, "resolution")
            self.assertEqual((resolution.state, resolution.warned), ("running", True))


class TestSlaCronConcurrency(BaseCase):
    """Two workers run the cron at the same moment, each in its own transaction:
    every warning and escalation happens exactly once. Works on committed data
    (a real registry cursor), created here and removed afterwards."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.registry = Registry(get_db_name())
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {"mail_notrack": True, "tracking_disable": True})
            admin = env.ref("base.user_admin")
            team = env["toperp.helpdesk.team"].create(
                {"name": "SLA concurrency", "manager_id": admin.id, "assign_method": "manual"}
            )
            tickets = env["toperp.helpdesk.ticket"].create(
                [
                    {"name": f"Concurrent {i}", "team_id": team.id, "user_id": admin.id,
                     "severity_id": env.ref("toperp_helpdesk.severity_high").id}
                    for i in range(20)
                ]
            )
            env["toperp.helpdesk.sla.status"].search([("ticket_id", "in", tickets.ids)]).unlink()
            # Fixed dates: 10 clocks breached long ago, 10 past their warning only.
            statuses = env["toperp.helpdesk.sla.status"].create(
                [
                    {
                        "ticket_id": ticket.id,
                        "target": "first_response",
                        "target_hours": 2.0,
                        "date_start": "2020-01-01 00:00:00",
                        "warning_date": "2020-01-01 01:00:00",
                        "deadline": "2020-01-01 02:00:00" if i < 10 else "2100-01-01 00:00:00",
                    }
                    for i, ticket in enumerate(tickets)
                ]
            )
            cls.team_id, cls.ticket_ids, cls.status_ids = team.id, tickets.ids, statuses.ids
        cls.addClassCleanup(cls._cleanup)

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            env["mail.activity"].search(
                [("res_model", "=", "toperp.helpdesk.ticket"), ("res_id", "in", cls.ticket_ids)]
            ).unlink()
            env["toperp.helpdesk.ticket"].browse(cls.ticket_ids).exists().unlink()
            env["toperp.helpdesk.team"].browse(cls.team_id).exists().unlink()

    def test_two_workers_exactly_once(self):
        barrier = threading.Barrier(2, timeout=30)
        done, errors = [], []

        def worker():
            threading.current_thread().testing = True  # no real e-mail
            try:
                barrier.wait()
                # Like a cron worker: one batch per transaction until nothing is due.
                for _i in range(20):
                    with self.registry.cursor() as cr:
                        env = api.Environment(cr, SUPERUSER_ID, {})
                        count = env["toperp.helpdesk.sla.status"]._cron_sla_warnings(batch_size=3)
                    done.append(count)
                    if not count:
                        break
            except Exception as error:  # reported by the assertion below
                errors.append(error)

        threads = [threading.Thread(target=worker) for _i in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertFalse(errors)
        self.assertGreaterEqual(sum(done), 20, "between them, the two workers handled every due clock")

        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            statuses = env["toperp.helpdesk.sla.status"].browse(self.status_ids)
            self.assertEqual(statuses.mapped("state"), ["breached"] * 10 + ["running"] * 10)
            self.assertTrue(all(statuses.mapped("warned")))
            Activity = env["mail.activity"]
            warning = env.ref("toperp_helpdesk_sla.mail_activity_type_sla_warning")
            breach = env.ref("toperp_helpdesk_sla.mail_activity_type_sla_breach")
            for ticket_id in self.ticket_ids[:10]:
                domain = [("res_model", "=", "toperp.helpdesk.ticket"), ("res_id", "=", ticket_id)]
                self.assertEqual(Activity.search_count(domain + [("activity_type_id", "=", breach.id)]), 1)
                self.assertEqual(Activity.search_count(domain + [("activity_type_id", "=", warning.id)]), 0)
                logs = env["mail.message"].search_count(
                    [("model", "=", "toperp.helpdesk.ticket"), ("res_id", "=", ticket_id),
                     ("body", "ilike", "SLA breached")]
                )
                self.assertEqual(logs, 1)
            for ticket_id in self.ticket_ids[10:]:
                domain = [("res_model", "=", "toperp.helpdesk.ticket"), ("res_id", "=", ticket_id)]
                self.assertEqual(Activity.search_count(domain + [("activity_type_id", "=", warning.id)]), 1)
                self.assertEqual(Activity.search_count(domain + [("activity_type_id", "=", breach.id)]), 0)
