from odoo import fields, models


class ToperpHelpdeskTag(models.Model):
    _name = "toperp.helpdesk.tag"
    _description = "Helpdesk Tag"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    _sql_constraints = [("name_uniq", "unique(name)", "A tag with this name already exists.")]
