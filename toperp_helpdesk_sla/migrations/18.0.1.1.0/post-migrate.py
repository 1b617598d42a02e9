"""18.0.1.1.0: the shipped office calendar and its lines named in Vietnamese (a noupdate
record: renamed here while it keeps its shipped English names); the public holidays
already in calendars are remembered as generated, so that the yearly generation never
brings back one that a manager deletes from now on."""

from odoo import SUPERUSER_ID, api

DAYS = {"0": "Thứ Hai", "1": "Thứ Ba", "2": "Thứ Tư", "3": "Thứ Năm", "4": "Thứ Sáu"}
PERIODS = {"morning": "sáng", "afternoon": "chiều"}
ENGLISH_DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    office = env.ref("toperp_helpdesk_sla.calendar_office_hours", raise_if_not_found=False)
    if office and office.name == "TopERP Office Hours":
        office.name = "Giờ hành chính TopERP"
        for line in office.attendance_ids:
            if line.dayofweek in DAYS and line.day_period in PERIODS and (line.name or "").startswith(ENGLISH_DAYS):
                line.name = f"{DAYS[line.dayofweek]} {PERIODS[line.day_period]}"
    cr.execute(
        """
        INSERT INTO toperp_helpdesk_holiday_generated (calendar_id, date, kind, create_uid, write_uid,
                                                       create_date, write_date)
        SELECT DISTINCT l.calendar_id, (timezone(COALESCE(c.tz, 'UTC'), timezone('UTC', l.date_from)))::date,
               'holiday', 1, 1, now() at time zone 'UTC', now() at time zone 'UTC'
          FROM resource_calendar_leaves l JOIN resource_calendar c ON c.id = l.calendar_id
         WHERE l.resource_id IS NULL
        ON CONFLICT DO NOTHING
        """
    )
