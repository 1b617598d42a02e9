from odoo import models


class ResourceCalendarAttendance(models.Model):
    # Compiled business clocks (resource.calendar._toperp_business_clock) read the
    # working hours and days of attendances: their change clears the clocks.
    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "toperp.helpdesk.cached.config"]
    _toperp_cache_fields = frozenset({
        "calendar_id", "dayofweek", "hour_from", "hour_to", "week_type", "date_from", "date_to",
        "display_type", "day_period", "resource_id",
    })
