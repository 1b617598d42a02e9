from datetime import datetime

from odoo.tests import TransactionCase


class TestSlaHolidays(TransactionCase):
    def test_generate_vietnamese_holidays_idempotent(self):
        calendar = self.env["resource.calendar"].create(
            {"name": "Hanoi office", "tz": "Asia/Ho_Chi_Minh", "company_id": False}
        )
        wizard = self.env["toperp.helpdesk.holiday.wizard"].create({"calendar_id": calendar.id, "year": 2027})
        wizard.action_generate()
        leaves = self.env["resource.calendar.leaves"].search([("calendar_id", "=", calendar.id)])
        names = leaves.mapped("name")
        self.assertIn("Tết Nguyên Đán", names)
        self.assertIn("Ngày Giỗ Tổ Hùng Vương", names)
        self.assertIn("Quốc khánh", names)
        national_day = leaves.filtered(lambda leave: leave.name == "Quốc khánh")[:1]
        # Whole local day: 2 September 00:00 to 23:59:59 in Hanoi (UTC+7).
        self.assertEqual(str(national_day.date_from), "2027-09-01 17:00:00")
        self.assertEqual(str(national_day.date_to), "2027-09-02 16:59:59")
        self.assertFalse(leaves.resource_id, "global time off")
        # Lunar new year 2027 starts on 6 February.
        self.assertTrue(leaves.filtered(lambda leave: str(leave.date_from) == "2027-02-05 17:00:00"))
        wizard.action_generate()
        self.assertEqual(
            self.env["resource.calendar.leaves"].search_count([("calendar_id", "=", calendar.id)]),
            len(leaves),
            "a second run adds nothing",
        )
        # An edited (moved) holiday is kept, not duplicated.
        national_day.name = "Quốc khánh (bù)"
        self.env["toperp.helpdesk.holiday.wizard"]._generate_holidays(calendar, [2027, 2028])
        after = self.env["resource.calendar.leaves"].search([("calendar_id", "=", calendar.id)])
        self.assertEqual(len(after.filtered(lambda leave: leave.date_from.year == 2027)), len(leaves))
        self.assertTrue(after.filtered(lambda leave: leave.date_from.year == 2028))

    def test_holidays_stop_the_clock(self):
        calendar = self.env["resource.calendar"].create(
            {
                "name": "Hanoi office",
                "tz": "Asia/Ho_Chi_Minh",
                "company_id": False,
                "attendance_ids": [
                    (0, 0, {"name": "Thursday", "dayofweek": "3", "hour_from": 8, "hour_to": 17}),
                ],
            }
        )
        start, end = datetime(2027, 9, 2, 1, 0), datetime(2027, 9, 2, 3, 0)  # Thursday 08:00-10:00 local
        Calendar = self.env["resource.calendar"]
        self.assertEqual(Calendar._toperp_clock_for(calendar).between(start, end), 2.0)
        self.env["toperp.helpdesk.holiday.wizard"]._generate_holidays(calendar, [2027])
        self.assertEqual(Calendar._toperp_clock_for(calendar).between(start, end), 0.0, "National Day is off")
