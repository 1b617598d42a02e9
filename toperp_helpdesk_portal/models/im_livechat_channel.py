from odoo import api, fields, models


class ImLivechatChannel(models.Model):
    _inherit = "im_livechat.channel"

    toperp_team_id = fields.Many2one(
        "toperp.helpdesk.team",
        string="Helpdesk Team",
        index="btree_not_null",
        help="Tickets opened from this channel's conversations go to this team; its agents "
        "are the channel's operators.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        channels = super().create(vals_list)
        channels.filtered("toperp_team_id")._toperp_sync_operators()
        return channels

    def write(self, vals):
        res = super().write(vals)
        if "toperp_team_id" in vals:
            self.filtered("toperp_team_id")._toperp_sync_operators()
        return res

    def _get_livechat_discuss_channel_vals(self, anonymous_name, *args, **kwargs):
        vals = super()._get_livechat_discuss_channel_vals(anonymous_name, *args, **kwargs)
        if vals and self.toperp_team_id:
            # Visitors of a support chat send their screenshots and videos in it (Odoo
            # lets only internal users upload in a conversation by default).
            vals["allow_public_upload"] = True
        return vals

    def _toperp_sync_operators(self):
        """The operators are the team's active agents."""
        for channel in self:
            members = channel.toperp_team_id.member_ids.filtered("active")
            if channel.user_ids != members:
                channel.user_ids = [fields.Command.set(members.ids)]

    @api.model
    def _toperp_support_channel(self):
        """The shipped "Hỗ trợ TopERP" channel (empty when it was deleted)."""
        return self.env.ref("toperp_helpdesk_portal.livechat_channel_support", raise_if_not_found=False) or self
