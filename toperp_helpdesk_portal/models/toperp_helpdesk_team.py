from odoo import models


class ToperpHelpdeskTeam(models.Model):
    _inherit = "toperp.helpdesk.team"

    def write(self, vals):
        res = super().write(vals)
        if "member_ids" in vals:
            # The team's live chat channels staff the same agents.
            self.env["im_livechat.channel"].sudo().search(
                [("toperp_team_id", "in", self.ids)]
            )._toperp_sync_operators()
        return res
