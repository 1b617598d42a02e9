from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ToperpHelpdeskExtraWorkday(models.Model):
    """An exceptional working day of a calendar ("ngày làm bù"): a decree moves a day
    off and has people work a Saturday in exchange. Odoo's calendars can only remove
    working time (leaves); the business-time clock adds these days. The day works the
    hours given, or else the calendar's Monday attendances."""

    _name = "toperp.helpdesk.extra.workday"
    _inherit = ["toperp.helpdesk.cached.config"]  # read by the compiled business clocks
    _description = "Helpdesk Extra Working Day"
    _order = "date desc, id"

    calendar_id = fields.Many2one(
        "resource.calendar", string="Working Hours", required=True, ondelete="cascade", index=True
    )
    date = fields.Date(required=True)
    name = fields.Char(string="Reason", required=True)
    hour_from = fields.Float(string="Work From", help="Empty (with Work To): the calendar's Monday hours.")
    hour_to = fields.Float(string="Work To")

    _sql_constraints = [
        ("calendar_date_uniq", "UNIQUE(calendar_id, date)", "A day can be an extra working day only once."),
    ]

    @api.constrains("hour_from", "hour_to")
    def _check_hours(self):
        for day in self:
            if not 0 <= day.hour_from <= 24 or not 0 <= day.hour_to <= 24:
                raise ValidationError(self.env._("Working hours must be between 00:00 and 24:00."))
            if (day.hour_from or day.hour_to) and day.hour_from >= day.hour_to:
                raise ValidationError(self.env._("An extra working day must end after it starts."))

    def _toperp_spans(self, attendances):
        """[(date, hour_from, hour_to)] the clock counts for these days; ``attendances``:
        the calendar's compiled ones, as ``(weekday, from, to, week_type, date_from,
        date_to)``."""
        spans = []
        for day in self:
            if day.hour_from or day.hour_to:
                spans.append((day.date, day.hour_from, day.hour_to))
                continue
            parity = (day.date.toordinal() - 1) // 7 % 2
            two_weeks = day.calendar_id.two_weeks_calendar
            spans += [
                (day.date, hour_from, hour_to)
                for weekday, hour_from, hour_to, week_type, date_from, date_to in attendances
                if weekday == 0
                and (not two_weeks or week_type == parity)
                and (not date_from or date_from <= day.date)
                and (not date_to or day.date <= date_to)
            ]
        return spans
