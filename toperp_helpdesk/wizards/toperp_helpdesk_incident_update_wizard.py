from odoo import fields, models
from odoo.exceptions import UserError


class ToperpHelpdeskIncidentUpdateWizard(models.TransientModel):
    _name = "toperp.helpdesk.incident.update.wizard"
    _description = "Update the Customers of an Incident"

    incident_id = fields.Many2one("toperp.helpdesk.incident", required=True, ondelete="cascade")
    message = fields.Text(
        string="Update", help="E-mailed once to each customer of the open linked tickets, and logged on each ticket."
    )
    solve = fields.Boolean(
        string="Solve the Incident", help="Its open tickets are solved too (each customer is told)."
    )
    customer_count = fields.Integer(related="incident_id.customer_count")
    open_ticket_count = fields.Integer(related="incident_id.open_ticket_count")

    def action_confirm(self):
        self.ensure_one()
        if not (self.message or "").strip() and not self.solve:
            raise UserError(self.env._("Write the update for the customers."))
        if (self.message or "").strip():
            self.incident_id._post_update(self.message)
        if self.solve:
            self.incident_id._solve()
        return {"type": "ir.actions.act_window_close"}
