from . import resource_calendar, resource_calendar_attendance, resource_calendar_leaves
