from odoo import api, fields, models


class ToperpHelpdeskTicketMergeWizard(models.TransientModel):
    _name = "toperp.helpdesk.ticket.merge.wizard"
    _description = "Merge Duplicate Tickets"

    ticket_ids = fields.Many2many(
        "toperp.helpdesk.ticket",
        string="Tickets",
        default=lambda self: self.env.context.get("active_ids") if self.env.context.get(
            "active_model") == "toperp.helpdesk.ticket" else [],
        domain="[('merged_into_id', '=', False), ('commercial_partner_id', '=', commercial_partner_id)]",
    )
    commercial_partner_id = fields.Many2one(
        "res.partner", string="Customer Company", compute="_compute_survivor_id"
    )
    ticket_count = fields.Integer(compute="_compute_survivor_id")
    survivor_id = fields.Many2one(
        "toperp.helpdesk.ticket", string="Kept Ticket", compute="_compute_survivor_id",
        help="The oldest report: the others are merged into it and closed.",
    )

    @api.depends("ticket_ids")
    def _compute_survivor_id(self):
        for wizard in self:
            wizard.survivor_id = wizard.ticket_ids._origin._merge_survivor()
            wizard.commercial_partner_id = wizard.ticket_ids._origin[:1].commercial_partner_id
            wizard.ticket_count = len(wizard.ticket_ids)

    def action_merge(self):
        self.ensure_one()
        survivor = self.ticket_ids._merge()
        return {
            "type": "ir.actions.act_window",
            "res_model": survivor._name,
            "res_id": survivor.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }
