from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    toperp_service_type_ids = fields.Many2many(
        "toperp.helpdesk.service.type",
        string="Services Bought",
        help="TopERP services this customer has bought (SaaS, On-Premise, Customize, Add-ons).",
    )
    toperp_support_plan = fields.Selection(
        [("standard", "Standard"), ("priority", "Priority")],
        string="Support Plan",
        default="standard",
        help="Priority support brings a dedicated agent and tighter SLA targets.",
    )
    toperp_dedicated_user_id = fields.Many2one(
        "res.users",
        string="Dedicated Agent",
        domain="[('share', '=', False)]",
        help="Agent who gets this customer's tickets (Priority plan).",
    )
    toperp_support_suspended = fields.Boolean(
        string="Support Suspended", help="Unpaid fees or terms violation: tickets are flagged."
    )
    toperp_suspension_reason = fields.Char(string="Suspension Reason")
    toperp_portal_scope = fields.Selection(
        [("company", "Whole company"), ("own", "Own tickets only")],
        string="Portal Tickets",
        default="company",
        help="Which tickets this customer's contacts see on the portal.",
    )
    toperp_ticket_ids = fields.One2many(
        "toperp.helpdesk.ticket", "commercial_partner_id", string="Helpdesk Tickets"
    )
    toperp_ticket_count = fields.Integer(string="Tickets", compute="_compute_toperp_ticket_count")

    def _compute_toperp_ticket_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["toperp.helpdesk.ticket"]._read_group(
                [("commercial_partner_id", "in", commercial.ids)], ["commercial_partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.toperp_ticket_count = counts.get(partner.commercial_partner_id, 0)

    @api.model
    def _commercial_fields(self):
        # The support profile belongs to the company: its contacts share it.
        return super()._commercial_fields() + [
            "toperp_service_type_ids",
            "toperp_support_plan",
            "toperp_dedicated_user_id",
            "toperp_support_suspended",
            "toperp_suspension_reason",
            "toperp_portal_scope",
        ]

    def action_view_toperp_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_ticket_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
