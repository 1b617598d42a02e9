from odoo import api, fields, models, tools

from ..tools import intake

SEVERITY_CODES = [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")]


class ToperpHelpdeskSeverity(models.Model):
    _name = "toperp.helpdesk.severity"
    _inherit = ["toperp.helpdesk.cached.config"]
    _description = "Helpdesk Severity"
    _order = "sequence desc, id"
    # _triage_data
    _toperp_cache_fields = frozenset({"code", "sequence", "triage_keywords", "active"})

    code = fields.Selection(
        SEVERITY_CODES,
        required=True,
        help="Stable code used by SLA policies, the portal and integrations.",
    )
    name = fields.Char(required=True, translate=True)
    description = fields.Text(
        translate=True, help="The support policy's criteria for this level, shown to staff and customers."
    )
    sequence = fields.Integer(default=10, help="Rank: higher is more urgent.")
    color = fields.Integer()
    active = fields.Boolean(default=True)
    show_hotline = fields.Boolean(
        help="Customers choosing this level are shown the support hotline."
    )
    triage_keywords = fields.Text(
        help="Words or phrases (one per line, with or without Vietnamese accents) that "
        "suggest this level for a ticket that arrives without one.",
    )

    _sql_constraints = [
        ("code_uniq", "unique(code)", "Each severity code can only be used once."),
    ]

    def _triage_rules(self):
        """The active severities' keywords (from the registry cache)."""
        return _TriageRules(self, self._triage_data())

    @api.model
    @tools.ormcache()
    def _triage_data(self):
        """{code: (id, rank, keywords)} of the active severities."""
        return {
            s.code: (s.id, s.sequence, tuple(intake.fold(k) for k in intake.split_keywords(s.triage_keywords)))
            for s in self.sudo().search([])
        }


class _TriageRules:
    def __init__(self, severities, data):
        self.severities = severities
        self.ids = {code: severity_id for code, (severity_id, _rank, _words) in data.items()}
        self.keywords = {code: list(words) for code, (_id, _rank, words) in data.items()}
        self.ranks = {code: rank for code, (_id, rank, _words) in data.items()}

    def suggest(self, text):
        code = intake.suggest_severity(text, self.keywords, self.ranks, keywords_folded=True)
        return self.severities.browse(self.ids.get(code, []))
