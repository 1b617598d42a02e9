from odoo import models


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _merge_sla(self, duplicates):
        """The survivor's clocks take over those of the duplicates: each open clock
        starts at the earliest start of its target among them (the customer has been
        waiting since the first report), and a first response already given on a
        duplicate answers the survivor too. The duplicates' open clocks are cancelled
        when they close (cancelled stage): they leave the figures."""
        self.ensure_one()
        statuses = self.sudo().sla_status_ids.filtered(lambda s: s.state != "cancelled")
        others = duplicates.sudo().sla_status_ids.filtered(lambda s: s.state != "cancelled")
        for status in statuses.filtered(lambda s: not s.reached_date):
            same = others.filtered(lambda s, t=status.target: s.target == t)
            earliest = min(same.mapped("date_start"), default=False)
            if earliest and earliest < status.date_start:
                status.date_start = earliest
                status._sla_schedule()
        answered = others.filtered(lambda s: s.target == "first_response" and s.reached_date)
        if answered:
            pending = statuses.filtered(lambda s: s.target == "first_response" and not s.reached_date)
            pending._sla_reach(min(answered.mapped("reached_date")))
        return super()._merge_sla(duplicates)

    def _merge_close(self, survivor):
        """A merged duplicate leaves the SLA figures entirely: its clocks, even those
        met (the survivor carries its first response), are cancelled."""
        res = super()._merge_close(survivor)
        self.sudo().sla_status_ids.filtered(lambda s: s.state != "cancelled").write(
            {"state": "cancelled", "pause_start": False}
        )
        return res
