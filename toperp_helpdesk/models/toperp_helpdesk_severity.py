from odoo import fields, models

from ..tools import intake


class ToperpHelpdeskSeverity(models.Model):
    _name = "toperp.helpdesk.severity"
    _description = "Helpdesk Severity"
    _order = "sequence desc, id"

    code = fields.Selection(
        [("low", "Low"), ("medium", "Medium"), ("high", "High"), ("critical", "Critical")],
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

    def _suggest_for_text(self, text):
        """The most urgent active severity whose triage keywords occur in the text."""
        return self._triage_rules().suggest(text)

    def _triage_rules(self):
        """The active severities' keywords, read once for a batch of tickets."""
        return _TriageRules(self.search([]))


class _TriageRules:
    def __init__(self, severities):
        self.severities = severities
        self.keywords = {s.code: intake.split_keywords(s.triage_keywords) for s in severities}
        self.ranks = {s.code: s.sequence for s in severities}

    def suggest(self, text):
        code = intake.suggest_severity(text, self.keywords, self.ranks)
        return self.severities.filtered(lambda s: s.code == code)[:1]
