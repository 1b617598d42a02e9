from odoo import api, fields, models, tools

from ..clock import BusinessClock

# Fields of resource.calendar that change its compiled clock.
CLOCK_FIELDS = {
    "tz", "two_weeks_calendar", "company_id", "attendance_ids", "leave_ids", "global_leave_ids",
    "toperp_extra_workday_ids",
}


class ResourceCalendar(models.Model):
    # Compiled clocks are cleared when a clock field changes, and when a calendar is
    # deleted: its attendances go with it (SQL cascade, no unlink() call) and its
    # leaves lose their calendar, which makes them global for every calendar.
    _name = "resource.calendar"
    _inherit = ["resource.calendar", "toperp.helpdesk.cached.config"]
    _toperp_cache_fields = frozenset(CLOCK_FIELDS)
    # A new calendar has no compiled clock yet.
    _toperp_cache_lifecycle = frozenset({"unlink"})

    toperp_extra_workday_ids = fields.One2many(
        "toperp.helpdesk.extra.workday", "calendar_id", string="Extra Working Days",
        help="Days worked by decree in exchange for a day off (e.g. a Saturday): the SLA clock counts them.",
    )

    @api.model
    def _toperp_clock_for(self, calendar):
        """The business clock of ``calendar``, or the 24/7 clock when it is empty."""
        if not calendar:
            return BusinessClock.always()
        calendar.ensure_one()
        if not isinstance(calendar.id, int):
            return calendar._toperp_compile_clock()  # new record: do not cache
        return calendar._toperp_business_clock()

    @tools.ormcache("self.id")
    def _toperp_business_clock(self):
        """The compiled clock of this calendar, cached per registry.

        Cleared (in every worker, through the database signalling) whenever a
        calendar, attendance or global leave changes.
        """
        return self._toperp_compile_clock()

    def _toperp_compile_clock(self):
        """Compile the calendar into a BusinessClock, with what Odoo's plan_hours and
        get_work_hours_count (compute_leaves=True, no resource) would read: global
        attendances that are not breaks or sections, leaves of type ``leave`` without
        resource on this calendar or on no calendar; plus the calendar's extra working
        days (which Odoo cannot express). Read as superuser: the clock is
        shared by every user.
        """
        self.ensure_one()
        calendar = self.sudo()
        attendances = [
            (
                int(attendance.dayofweek),
                attendance.hour_from,
                attendance.hour_to,
                int(attendance.week_type or 0),
                attendance.date_from,
                attendance.date_to,
            )
            for attendance in calendar.attendance_ids
            if not attendance.display_type
            and attendance.day_period != "lunch"
            and not attendance.resource_id
        ]
        leaves = calendar.env["resource.calendar.leaves"].search_fetch(
            [
                ("calendar_id", "in", [False, calendar._origin.id or 0]),
                ("resource_id", "=", False),
                ("time_type", "=", "leave"),
            ],
            ["date_from", "date_to"],
        )
        return BusinessClock(
            attendances,
            calendar.tz,
            [(leave.date_from, leave.date_to) for leave in leaves],
            two_weeks=calendar.two_weeks_calendar,
            extra_days=calendar.toperp_extra_workday_ids._toperp_spans(attendances),
        )
