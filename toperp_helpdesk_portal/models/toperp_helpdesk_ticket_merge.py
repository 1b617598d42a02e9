from odoo import models


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    def _portal_can_reopen(self):
        """A merged duplicate stays closed: its request is followed up in the ticket it
        was merged into (the page links to it)."""
        return super()._portal_can_reopen() and not self.merged_into_id
