"""Shared set-up of the helpdesk tests: a support team reachable by e-mail at
support@toperp.vn, agents, a manager and customers.

Test modules import this module (``from . import common``), never the class
itself, so that pytest does not collect the base class as a test.
"""

import time
from pathlib import Path
from random import randint

from odoo.modules import module as odoo_module
from odoo.tests import TransactionCase, new_test_user

FIXTURES = Path(__file__).parent / "fixtures"
ALIAS_DOMAIN = "toperp.vn"
SUPPORT_EMAIL = f"support@{ALIAS_DOMAIN}"


class HelpdeskCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # odoo-bin sets this flag while it runs tests (pytest-odoo does not): without
        # it Odoo would open real SMTP connections for the e-mails the tests send.
        if not odoo_module.current_test:
            odoo_module.current_test = True
            cls.addClassCleanup(setattr, odoo_module, "current_test", False)
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.company = cls.env.ref("base.main_company")
        cls.alias_domain = cls.env["mail.alias.domain"].search([("name", "=", ALIAS_DOMAIN)])
        if not cls.alias_domain:
            cls.alias_domain = cls.env["mail.alias.domain"].create(
                {
                    "name": ALIAS_DOMAIN,
                    "bounce_alias": "bounce",
                    "catchall_alias": "catchall",
                    "default_from": "notifications",
                }
            )
        cls.company.alias_domain_id = cls.alias_domain
        cls.company.email = f"info@{ALIAS_DOMAIN}"

        cls.Ticket = cls.env["toperp.helpdesk.ticket"]
        cls.severity_low = cls.env.ref("toperp_helpdesk.severity_low")
        cls.severity_medium = cls.env.ref("toperp_helpdesk.severity_medium")
        cls.severity_high = cls.env.ref("toperp_helpdesk.severity_high")
        cls.severity_critical = cls.env.ref("toperp_helpdesk.severity_critical")
        cls.stage_new = cls.env.ref("toperp_helpdesk.stage_new")
        cls.stage_in_progress = cls.env.ref("toperp_helpdesk.stage_in_progress")
        cls.stage_waiting = cls.env.ref("toperp_helpdesk.stage_waiting")
        cls.stage_solved = cls.env.ref("toperp_helpdesk.stage_solved")
        cls.stage_cancelled = cls.env.ref("toperp_helpdesk.stage_cancelled")
        cls.service_saas = cls.env.ref("toperp_helpdesk.service_type_saas")
        cls.service_on_premise = cls.env.ref("toperp_helpdesk.service_type_on_premise")

        cls.agent_1 = new_test_user(
            cls.env, login="hd_agent_1", name="Trần Thị Bình", email="binh@toperp.vn",
            groups="toperp_helpdesk.group_user",
        )
        cls.agent_2 = new_test_user(
            cls.env, login="hd_agent_2", name="Lê Văn Cường", email="cuong@toperp.vn",
            groups="toperp_helpdesk.group_user",
        )
        cls.manager = new_test_user(
            cls.env, login="hd_manager", name="Phạm Thu Hà", email="ha@toperp.vn",
            groups="toperp_helpdesk.group_manager",
        )
        cls.team = cls.env.ref("toperp_helpdesk.team_support")
        cls.team.write(
            {
                "alias_name": "support",
                "alias_domain_id": cls.alias_domain.id,
                "alias_contact": "everyone",
                "member_ids": [(6, 0, (cls.agent_1 | cls.agent_2).ids)],
                "manager_id": cls.manager.id,
                "assign_method": "manual",
                "autoclose_days": 6,
            }
        )
        cls.customer_company = cls.env["res.partner"].create(
            {
                "name": "Công ty TNHH Hoa Sen",
                "is_company": True,
                "email": "lienhe@hoasen.vn",
                "lang": "vi_VN",
                "toperp_service_type_ids": [(6, 0, cls.service_saas.ids)],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Nguyễn Văn An",
                "email": "an.nguyen@hoasen.vn",
                "phone": "0901 234 567",
                "parent_id": cls.customer_company.id,
                "lang": "vi_VN",
            }
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def process_fixture(self, name, email_from=None, subject="Lỗi in hóa đơn khách hàng", to=SUPPORT_EMAIL,
                        cc="", msg_id=None, extra=None, return_path="an.nguyen@hoasen.vn", run_intake=True):
        """Run a raw RFC 822 fixture through Odoo's mail gateway, as the fetchmail
        cron or the mailgate script do, then (``run_intake``) the intake job that the
        gateway triggers (acknowledgements, assignment notices). Returns the id of the
        thread it landed in."""
        raw = (FIXTURES / name).read_text(encoding="utf-8")
        msg_id = msg_id or f"<{time.time():.7f}-{randint(0, 99998)}@mail.hoasen.vn>"
        headers = "".join(f"{key}: {value}\n" for key, value in (extra or {}).items())
        message = raw.format(
            email_from=email_from or f'"{self.customer.name}" <{self.customer.email}>',
            to=to,
            cc=cc,
            subject=subject,
            msg_id=msg_id,
            extra=headers,
            return_path=return_path,
        )
        thread_id = self.env["mail.thread"].sudo().message_process(None, message)
        if run_intake:
            self.run_intake_job()
        return thread_id

    def run_intake_job(self):
        """What the intake cron does once the gateway's transaction is committed."""
        self.env.flush_all()
        return self.env["toperp.helpdesk.intake"].sudo()._cron_intake()

    def new_email_ticket(self, name="plain_text.eml", **kwargs):
        """A ticket created from a fixture; fails when no ticket was created."""
        before = self.Ticket.search([])
        self.process_fixture(name, **kwargs)
        ticket = self.Ticket.search([]) - before
        self.assertEqual(len(ticket), 1, "the e-mail should create exactly one ticket")
        return ticket

    def create_ticket(self, **values):
        values.setdefault("name", "Không in được hóa đơn")
        values.setdefault("partner_id", self.customer.id)
        values.setdefault("team_id", self.team.id)
        return self.Ticket.create(values)

    def ticket_mails(self, ticket):
        """E-mails sent (or queued) about the ticket. Automatic e-mails are kept after
        sending (their templates do not auto-delete)."""
        return self.env["mail.mail"].sudo().search(
            [("model", "=", ticket._name), ("res_id", "=", ticket.id)], order="id"
        )

    def outgoing_counts(self):
        """How many e-mails and e-mail notifications exist: an automatic reply, even
        auto-deleted after sending, leaves a notification behind."""
        return (
            self.env["mail.mail"].sudo().search_count([]),
            self.env["mail.notification"].sudo().search_count([("notification_type", "=", "email")]),
            self.env["mail.message"].sudo().search_count([]),
        )

    def flush_tracking(self):
        """Run what Odoo runs at commit: tracking messages and stage templates."""
        self.env.flush_all()
        self.env.cr.precommit.run()
