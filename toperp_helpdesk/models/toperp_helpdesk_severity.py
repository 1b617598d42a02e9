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
        severities = self.search([])
        code = intake.suggest_severity(
            text,
            {s.code: intake.split_keywords(s.triage_keywords) for s in severities},
            {s.code: s.sequence for s in severities},
        )
        return severities.filtered(lambda s: s.code == code)[:1]
