from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

try:
    import holidays
except ImportError:  # pragma: no cover - declared in external_dependencies
    holidays = None


class ToperpHelpdeskHolidayWizard(models.TransientModel):
    _name = "toperp.helpdesk.holiday.wizard"
    _description = "Generate Public Holidays"

    def _default_calendar_id(self):
        return self.env.ref("toperp_helpdesk_sla.calendar_office_hours", raise_if_not_found=False)

    calendar_id = fields.Many2one(
        "resource.calendar", string="Working Hours", required=True, default=_default_calendar_id
    )
    year = fields.Integer(required=True, default=lambda self: fields.Date.context_today(self).year + 1)
    country_code = fields.Char(string="Country", required=True, default="VN", help="ISO 3166 country code.")
    language = fields.Char(default="vi", help="Language of the holiday names, as the holidays package names it.")

    def action_generate(self):
        self.ensure_one()
        if not 1900 < self.year < 2200:
            raise UserError(self.env._("Choose a year between 1901 and 2199."))
        leaves = self._generate_holidays(self.calendar_id, [self.year], self.country_code, self.language)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s public holiday(s) added to %(calendar)s for %(year)s.",
                    count=len(leaves),
                    calendar=self.calendar_id.name,
                    year=self.year,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _generate_holidays(self, calendar, years, country_code="VN", language="vi"):
        """Add the public holidays of ``years`` to ``calendar`` as global leaves, each a
        whole local day in the calendar's time zone. Days already covered by a global
        leave of the calendar are skipped, so running it again adds nothing.
        Returns the created leaves."""
        if holidays is None:
            raise UserError(self.env._("The Python package 'holidays' is not installed."))
        calendar.ensure_one()
        tz = pytz.timezone(calendar.tz or "UTC")
        days = holidays.country_holidays(country_code, years=years, language=language)
        Leave = self.env["resource.calendar.leaves"].sudo()
        to_utc = lambda day, at: tz.localize(datetime.combine(day, at)).astimezone(pytz.utc).replace(tzinfo=None)  # noqa: E731
        spans = [
            (to_utc(day, time.min), to_utc(day + timedelta(days=1), time.min) - timedelta(seconds=1), name)
            for day, name in sorted(days.items())
        ]
        if not spans:
            return Leave
        existing = Leave.search(
            [
                ("calendar_id", "=", calendar.id),
                ("resource_id", "=", False),
                ("date_from", "<=", spans[-1][1]),
                ("date_to", ">=", spans[0][0]),
            ]
        )
        vals_list = [
            {
                "name": name,
                "calendar_id": calendar.id,
                "date_from": start,
                "date_to": end,
                "time_type": "leave",
            }
            for start, end, name in spans
            if not any(leave.date_from <= start < leave.date_to for leave in existing)
        ]
        return Leave.create(vals_list)

    @api.model
    def _cron_generate_holidays(self):
        """Yearly: make sure the office calendar has next year's public holidays."""
        calendar = self.env.ref("toperp_helpdesk_sla.calendar_office_hours", raise_if_not_found=False)
        if calendar:
            year = fields.Date.context_today(self).year
            self._generate_holidays(calendar, [year, year + 1])

    @api.model
    def _generate_default_holidays(self):
        """At install: this year's and next year's holidays in the office calendar."""
        self._cron_generate_holidays()
