from odoo import fields, models


class ToperpHelpdeskScopeReason(models.Model):
    _name = "toperp.helpdesk.scope.reason"
    _description = "Out-of-scope Reason"
    _order = "sequence, id"

    code = fields.Char(required=True)
    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        translate=True, help="Explanation sent to the customer when a ticket is classified with this reason."
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [("code_uniq", "unique(code)", "Each reason code can only be used once.")]
