"""18.0.1.1.0: the intake job belongs to its queue model; tickets know when they were
reported (their SLA clocks start there)."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    # Existing tickets were reported when they were created (the column was just
    # filled with the update's time).
    cr.execute("UPDATE toperp_helpdesk_ticket SET reported_date = create_date WHERE create_date IS NOT NULL")
    # A noupdate record: its model is moved by hand.
    cron = env.ref("toperp_helpdesk.ir_cron_ticket_intake", raise_if_not_found=False)
    if cron:
        cron.model_id = env["ir.model"]._get("toperp.helpdesk.intake")
