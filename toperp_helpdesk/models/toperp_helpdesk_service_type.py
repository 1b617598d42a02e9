from odoo import fields, models


class ToperpHelpdeskServiceType(models.Model):
    _name = "toperp.helpdesk.service.type"
    _description = "Helpdesk Service Type"
    _order = "sequence, id"

    code = fields.Selection(
        [("saas", "SaaS"), ("on_premise", "On-Premise"), ("customize", "Customize"), ("addon", "Add-on")],
        required=True,
    )
    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each service type code can only be used once."),
    ]
