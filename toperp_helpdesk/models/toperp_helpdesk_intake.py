from odoo import fields, models


class ToperpHelpdeskIntake(models.Model):
    """What the mail gateway leaves to the intake job (cron ``ir_cron_ticket_intake``):
    a new ticket's acknowledgement, its agent's assignment notice. A row is deleted
    when its work is done."""

    _name = "toperp.helpdesk.intake"
    _description = "Helpdesk Intake Queue"
    _order = "id"

    ticket_id = fields.Many2one("toperp.helpdesk.ticket", required=True, ondelete="cascade", index=True)
    kind = fields.Selection(
        [("ack", "Acknowledgement"), ("assign", "Assignment notice")], required=True
    )
    user_id = fields.Many2one("res.users", string="Agent", ondelete="cascade")
