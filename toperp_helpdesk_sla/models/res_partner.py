from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def write(self, vals):
        res = super().write(vals)
        if "toperp_support_plan" in vals:
            # The plan selects the SLA policy of the customer's open tickets.
            tickets = self.env["toperp.helpdesk.ticket"].sudo().search(
                [("commercial_partner_id", "in", self.commercial_partner_id.ids), ("is_closed", "=", False)]
            )
            tickets._sla_apply()
        return res
