from odoo import models


class ResourceCalendarLeaves(models.Model):
    # Compiled business clocks (resource.calendar._toperp_business_clock) read global
    # time off (public holidays): its change clears the clocks. Personal time off (with
    # a resource, e.g. from hr_holidays) is frequent and touches no clock: it leaves the
    # registry cache alone.
    _name = "resource.calendar.leaves"
    _inherit = ["resource.calendar.leaves", "toperp.helpdesk.cached.config"]
    _toperp_cache_fields = frozenset({"date_from", "date_to", "calendar_id", "resource_id", "time_type"})

    def _toperp_cache_relevant(self):
        return any(not leave.resource_id and leave.time_type == "leave" for leave in self.sudo())
