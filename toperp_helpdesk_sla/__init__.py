from . import models, report, wizards
from .report.toperp_helpdesk_sla_report import drop_fact_table


def post_init_hook(env):
    """Installed on a database that already has tickets: the open ones get their clocks."""
    env["toperp.helpdesk.ticket"]._sla_install_clocks()


def uninstall_hook(env):
    """The report's fact table and its triggers on the ticket table are not Odoo
    models: drop them with the module."""
    drop_fact_table(env.cr)
