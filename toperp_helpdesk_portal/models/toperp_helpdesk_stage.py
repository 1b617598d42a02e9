from odoo import fields, models


class ToperpHelpdeskStage(models.Model):
    _inherit = "toperp.helpdesk.stage"

    rating_request = fields.Boolean(
        string="Ask for a Rating",
        help="Tickets entering this stage send the customer a satisfaction rating request "
        "(except tickets classified out of scope).",
    )
