from odoo import fields, models


class ToperpHelpdeskHolidayGenerated(models.Model):
    """What the holiday generation already added to a calendar, so that it never adds
    a day again: a holiday or an extra working day that a manager deleted or moved
    stays deleted or moved (the yearly cron used to bring it back)."""

    _name = "toperp.helpdesk.holiday.generated"
    _description = "Generated Public Holiday"
    _order = "date, id"

    calendar_id = fields.Many2one("resource.calendar", required=True, ondelete="cascade", index=True)
    date = fields.Date(required=True)
    kind = fields.Selection([("holiday", "Day Off"), ("workday", "Working Day")], required=True)

    _sql_constraints = [
        ("calendar_date_kind_uniq", "UNIQUE(calendar_id, date, kind)", "This day was already generated."),
    ]
