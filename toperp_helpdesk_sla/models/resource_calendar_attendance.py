from odoo import models


class ResourceCalendarAttendance(models.Model):
    # Any change to attendances clears the compiled business clocks.
    _name = "resource.calendar.attendance"
    _inherit = ["resource.calendar.attendance", "toperp.helpdesk.cached.config"]
