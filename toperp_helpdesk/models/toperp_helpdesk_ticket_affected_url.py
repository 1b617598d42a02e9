"""The page where the error shows ("URL gặp lỗi"), filled from the report: the link a
customer wrote in her e-mail or an agent typed from a call, not only the portal's field."""

from odoo import api, fields, models

from ..tools import intake


class ToperpHelpdeskTicket(models.Model):
    # One ticket model, split into files by purpose (no model file over ~500 lines).
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    # Precomputed: part of the ticket's INSERT, as the other fields read from the report.
    affected_url = fields.Char(compute="_compute_affected_url", store=True, readonly=False, precompute=True)

    @api.depends("description")
    def _compute_affected_url(self):
        # The first link that is no recording or screenshot; a URL given (portal form)
        # or typed by an agent is kept, never overwritten.
        for ticket in self:
            ticket.affected_url = ticket.affected_url or intake.page_url(
                intake.html_to_text(ticket.description), " ".join(intake.hrefs(ticket.description))
            ) or False
