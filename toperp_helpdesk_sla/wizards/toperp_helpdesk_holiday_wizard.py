from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError

try:
    import holidays
except ImportError:  # pragma: no cover - declared in external_dependencies
    holidays = None

# Our names of compensating working days beside the holidays package's Vietnamese
# names (language "vi"), whether or not Vietnamese is installed in Odoo: the package
# names the days off in Vietnamese then, so do we.
VI_WORKDAY = "Ngày làm bù"
VI_WORKDAY_FOR = "Ngày làm bù (cho ngày nghỉ %s)"


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
    line_ids = fields.One2many(
        "toperp.helpdesk.holiday.wizard.line",
        "wizard_id",
        string="Days",
        compute="_compute_line_ids",
        store=True,
        readonly=False,
        help="The year's days off and compensating working days by decree: edit them before adding.",
    )

    @api.depends("year", "country_code", "language")
    def _compute_line_ids(self):
        for wizard in self:
            days = []
            if 1900 < wizard.year < 2200 and wizard.country_code:
                days = self._decree_days([wizard.year], wizard.country_code, wizard.language or "vi")
            wizard.line_ids = [fields.Command.clear()] + [fields.Command.create(day) for day in days]

    def action_generate(self):
        self.ensure_one()
        if not 1900 < self.year < 2200:
            raise UserError(self.env._("Choose a year between 1901 and 2199."))
        days = [{"date": line.date, "name": line.name, "kind": line.kind} for line in self.line_ids if line.date]
        leaves, workdays = self._generate_days(self.calendar_id, days)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "%(count)s public holiday(s) and %(workdays)s working day(s) added to %(calendar)s "
                    "for %(year)s.",
                    count=len(leaves),
                    workdays=len(workdays),
                    calendar=self.calendar_id.name,
                    year=self.year,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    @api.model
    def _decree_days(self, years, country_code="VN", language="vi"):
        """The public holidays of ``years`` (days off, bridging days included) and the
        weekend days worked in exchange, as the holidays package knows them:
        ``[{date, name, kind}]`` sorted by date, named in ``language``."""
        if holidays is None:
            raise UserError(self.env._("The Python package 'holidays' is not installed."))
        try:
            days = holidays.country_holidays(country_code, years=years, language=language)
        except NotImplementedError as error:
            raise UserError(self.env._("No public holidays are known for country %s.", country_code)) from error
        vietnamese = (language or "").startswith("vi")
        result = [{"date": day, "name": name, "kind": "holiday"} for day, name in days.items()]
        for workday in getattr(days, "weekend_workdays", ()):
            # The day off it pays for is named after it ("… (thay cho ngày 26/04/2025)").
            marks = {workday.strftime("%d/%m/%Y"), workday.strftime("%m/%d/%Y")}
            off = next((day for day, name in sorted(days.items()) if any(m in name for m in marks)), None)
            if not off and workday.year not in years:
                continue  # the package lists other years' decrees too
            if vietnamese:
                name = VI_WORKDAY_FOR % off.strftime("%d/%m/%Y") if off else VI_WORKDAY
            elif off:
                name = self.env._("Compensating working day (for the day off of %s)", off.strftime("%d/%m/%Y"))
            else:
                name = self.env._("Compensating working day")
            result.append({"date": workday, "name": name, "kind": "workday"})
        return sorted(result, key=lambda day: (day["date"], day["kind"]))

    @api.model
    def _generate_holidays(self, calendar, years, country_code="VN", language="vi"):
        """Add the decree days of ``years`` to ``calendar`` (see ``_generate_days``).
        Returns the created leaves."""
        return self._generate_days(calendar, self._decree_days(years, country_code, language))[0]

    @api.model
    def _generate_days(self, calendar, days):
        """Add ``days`` (``[{date, name, kind}]``) to ``calendar``: a day off becomes a
        global leave (the whole local day in the calendar's time zone), a working day an
        extra working day (the calendar's Monday hours). A day this generation added
        once is never added again, so a manager's deletion or move stands; a day already
        covered by a leave (or an extra working day) is not added twice.
        Returns (created leaves, created extra working days)."""
        calendar.ensure_one()
        Leave = self.env["resource.calendar.leaves"].sudo()
        Workday = self.env["toperp.helpdesk.extra.workday"].sudo()
        Generated = self.env["toperp.helpdesk.holiday.generated"].sudo()
        if not days:
            return Leave, Workday
        dates = [day["date"] for day in days]
        done = {
            (row.date, row.kind)
            for row in Generated.search_fetch(
                [("calendar_id", "=", calendar.id), ("date", "in", dates)], ["date", "kind"]
            )
        }
        todo = [day for day in days if (day["date"], day["kind"]) not in done]
        if not todo:
            return Leave, Workday
        tz = pytz.timezone(calendar.tz or "UTC")

        def to_utc(day):
            return tz.localize(datetime.combine(day, time.min)).astimezone(pytz.utc).replace(tzinfo=None)

        holidays_todo = [
            (to_utc(day["date"]), to_utc(day["date"] + timedelta(days=1)) - timedelta(seconds=1), day["name"])
            for day in todo if day["kind"] == "holiday"
        ]
        existing = Leave.browse()
        if holidays_todo:
            existing = Leave.search([
                ("calendar_id", "=", calendar.id),
                ("resource_id", "=", False),
                ("date_from", "<=", max(span[1] for span in holidays_todo)),
                ("date_to", ">=", min(span[0] for span in holidays_todo)),
            ])
        leaves = Leave.create([
            {"name": name, "calendar_id": calendar.id, "date_from": start, "date_to": end, "time_type": "leave"}
            for start, end, name in holidays_todo
            if not any(leave.date_from <= start < leave.date_to for leave in existing)
        ])
        worked = set(calendar.sudo().toperp_extra_workday_ids.mapped("date"))
        workdays = Workday.create([
            {"calendar_id": calendar.id, "date": day["date"], "name": day["name"]}
            for day in todo if day["kind"] == "workday" and day["date"] not in worked
        ])
        Generated.create([{"calendar_id": calendar.id, "date": day["date"], "kind": day["kind"]} for day in todo])
        return leaves, workdays

    @api.model
    def _cron_generate_holidays(self):
        """Yearly: make sure the office calendar has this year's and next year's
        public holidays and compensating working days."""
        calendar = self.env.ref("toperp_helpdesk_sla.calendar_office_hours", raise_if_not_found=False)
        if calendar:
            year = fields.Date.context_today(self).year
            self._generate_holidays(calendar, [year, year + 1])

    @api.model
    def _generate_default_holidays(self):
        """At install: this year's and next year's holidays in the office calendar."""
        self._cron_generate_holidays()


class ToperpHelpdeskHolidayWizardLine(models.TransientModel):
    _name = "toperp.helpdesk.holiday.wizard.line"
    _description = "Public Holiday to Generate"
    _order = "date, id"

    wizard_id = fields.Many2one("toperp.helpdesk.holiday.wizard", required=True, ondelete="cascade")
    date = fields.Date(required=True)
    name = fields.Char(required=True)
    kind = fields.Selection(
        [("holiday", "Day Off"), ("workday", "Working Day")], required=True, default="holiday"
    )
