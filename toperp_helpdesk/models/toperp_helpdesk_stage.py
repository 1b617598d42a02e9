from odoo import api, fields, models, tools


class ToperpHelpdeskStage(models.Model):
    _name = "toperp.helpdesk.stage"
    _inherit = ["toperp.helpdesk.cached.config"]
    _description = "Helpdesk Stage"
    _order = "sequence, id"
    # _closed_ids_cached, team._stage_data_cached
    _toperp_cache_fields = frozenset({"is_closed", "pauses_sla", "team_ids", "sequence", "active"})

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    fold = fields.Boolean(help="Folded in the kanban view.")
    is_closed = fields.Boolean(
        string="Closing Stage", help="Tickets in this stage are done (solved or cancelled)."
    )
    pauses_sla = fields.Boolean(
        string="Pauses SLA",
        help="Waiting on the customer: SLA clocks are paused and tickets are closed "
        "automatically after the team's delay without an answer.",
    )
    template_id = fields.Many2one(
        "mail.template",
        string="E-mail Template",
        domain="[('model', '=', 'toperp.helpdesk.ticket')]",
        help="Sent to the customer when a ticket enters this stage.",
    )
    team_ids = fields.Many2many(
        "toperp.helpdesk.team", string="Teams", help="Teams using this stage; empty means every team."
    )

    @api.model
    @tools.ormcache()
    def _closed_ids_cached(self):
        """Ids of the closing stages (archived ones too), from the registry cache."""
        return frozenset(self.sudo().with_context(active_test=False).search([("is_closed", "=", True)]).ids)
