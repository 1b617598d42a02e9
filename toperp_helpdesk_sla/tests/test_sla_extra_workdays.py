"""Compensating working days ("ngày làm bù"): the clock counts them, the holiday
generation adds them with the decree's days off, and never brings back what a
manager deleted or moved."""

from datetime import date, datetime

from freezegun import freeze_time

from odoo.tests import Form

from . import common


class TestExtraWorkdays(common.SlaCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("vi_VN")
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk_sla"], ["vi_VN"], overwrite=True)
        cls.Wizard = cls.env["toperp.helpdesk.holiday.wizard"]
        cls.Wizard._generate_holidays(cls.office, [2025])

    @freeze_time("2025-04-25 10:00:00")  # Friday 25 April 2025, 17:00 in Hanoi
    def test_2025_compensating_saturday(self):
        saturday = self.office.toperp_extra_workday_ids.filtered(lambda d: d.date == date(2025, 4, 26))
        self.assertEqual(saturday.name, "Ngày làm bù (cho ngày nghỉ 02/05/2025)")
        ticket = self.create_ticket(self.low)
        # 17:00-17:30 on Friday, then Saturday worked like a Monday: 08:00-11:30.
        self.assertEqual(self.status(ticket, "first_response").deadline, datetime(2025, 4, 26, 4, 30))
        # Resolution (25.5 h): Friday 0.5 + Saturday 8.5 + Monday 8.5 + Tuesday 8 h:
        # 30 April to 4 May are off (2 May pays for the Saturday).
        self.assertEqual(self.status(ticket, "resolution").deadline, datetime(2025, 4, 29, 10, 0))
        saturday.unlink()
        later = self.create_ticket(self.low)
        self.assertEqual(
            self.status(later, "first_response").deadline, datetime(2025, 4, 28, 4, 30),
            "without the working Saturday, Monday 11:30",
        )

    def test_extra_day_with_its_own_hours(self):
        calendar = self.office.copy({"name": "Hours of its own"})
        Workday = self.env["toperp.helpdesk.extra.workday"]
        clock = self.env["resource.calendar"]._toperp_clock_for
        sunday = datetime(2026, 11, 29, 1, 0)  # Sunday 08:00 in Hanoi
        self.assertEqual(clock(calendar).between(sunday, sunday.replace(hour=10)), 0.0)
        workday = Workday.create({"calendar_id": calendar.id, "date": date(2026, 11, 29), "name": "Kiểm kê",
                                  "hour_from": 9, "hour_to": 11})
        self.assertEqual(clock(calendar).between(sunday, sunday.replace(hour=10)), 2.0)
        workday.hour_to = 10
        self.assertEqual(clock(calendar).between(sunday, sunday.replace(hour=10)), 1.0)

    def test_wizard_lists_the_decree_days_editable(self):
        calendar = self.env["resource.calendar"].create(
            {"name": "Văn phòng Đà Nẵng", "tz": "Asia/Ho_Chi_Minh", "company_id": False}
        )
        wizard = self.Wizard.with_context(lang="vi_VN").create({"calendar_id": calendar.id, "year": 2025})
        by_date = {line.date: line for line in wizard.line_ids}
        self.assertEqual(by_date[date(2025, 4, 26)].kind, "workday")
        self.assertEqual(by_date[date(2025, 5, 2)].kind, "holiday")
        self.assertEqual(by_date[date(2025, 1, 29)].name, "Tết Nguyên Đán")
        # The manager drops New Year's Day and renames Tết before adding.
        by_date[date(2025, 1, 1)].unlink()
        by_date[date(2025, 1, 29)].name = "Tết Ất Tỵ"
        wizard.action_generate()
        leaves = self.env["resource.calendar.leaves"].search([("calendar_id", "=", calendar.id)])
        self.assertIn("Tết Ất Tỵ", leaves.mapped("name"))
        self.assertNotIn("Tết Dương lịch", leaves.mapped("name"))
        self.assertEqual(calendar.toperp_extra_workday_ids.date, date(2025, 4, 26))
        self.assertEqual(len(leaves), len(wizard.line_ids) - 1)

    def test_deleted_or_moved_holiday_is_not_recreated(self):
        calendar = self.env["resource.calendar"].create(
            {"name": "Văn phòng Huế", "tz": "Asia/Ho_Chi_Minh", "company_id": False}
        )
        self.Wizard._generate_holidays(calendar, [2025])
        leaves = self.env["resource.calendar.leaves"].search([("calendar_id", "=", calendar.id)])
        national_day = leaves.filtered(lambda leave: leave.date_from == datetime(2025, 8, 31, 17, 0))
        labour_day = leaves.filtered(lambda leave: leave.date_from == datetime(2025, 4, 30, 17, 0))
        national_day.unlink()
        labour_day.write({"date_from": datetime(2025, 5, 4, 17, 0), "date_to": datetime(2025, 5, 5, 16, 59, 59)})
        calendar.toperp_extra_workday_ids.unlink()
        # The yearly cron runs again (this year and the next).
        self.Wizard._generate_holidays(calendar, [2025, 2026])
        after = self.env["resource.calendar.leaves"].search([("calendar_id", "=", calendar.id)])
        this_year = after.filtered(lambda leave: leave.date_to.year == 2025)
        self.assertEqual(len(this_year), len(leaves) - 1, "the deleted holiday stays deleted")
        self.assertFalse(this_year.filtered(lambda leave: leave.date_from == datetime(2025, 4, 30, 17, 0)),
                         "the moved holiday stays moved")
        self.assertTrue(this_year.filtered(lambda leave: leave.date_from == datetime(2025, 5, 4, 17, 0)))
        self.assertEqual(calendar.toperp_extra_workday_ids.mapped("date"), [date(2026, 8, 22)],
                         "the deleted working Saturday of 2025 stays deleted; 2026's is added")
        self.assertTrue(after.filtered(lambda leave: leave.date_from.year == 2026), "next year is added")

    def test_manager_edits_the_year_from_the_office_calendar(self):
        self.assertEqual(self.office.name, "Giờ hành chính TopERP")
        first_line = self.office.attendance_ids.sorted(lambda a: (a.dayofweek, a.hour_from))[0]
        self.assertEqual(first_line.name, "Thứ Hai sáng")
        office = self.office.with_user(self.manager).with_context(lang="vi_VN")
        arch = office.get_view(self.env.ref("resource.resource_calendar_form").id, "form")["arch"]
        self.assertIn('string="Ngày nghỉ lễ"', arch)
        self.assertIn('string="Ngày làm bù"', arch)
        clock = self.env["resource.calendar"]._toperp_clock_for
        saturday = datetime(2026, 11, 28, 2, 0)  # 09:00 in Hanoi
        with Form(office) as form:
            with form.toperp_extra_workday_ids.new() as day:
                day.date = date(2026, 11, 28)
                day.name = "Làm bù kiểm kê cuối năm"
            with form.global_leave_ids.new() as leave:
                leave.name = "Nghỉ dọn văn phòng"
                leave.date_from = datetime(2026, 11, 30, 1, 0)  # Monday 08:00-17:30
                leave.date_to = datetime(2026, 11, 30, 10, 30)
        self.assertTrue(clock(self.office).is_working(saturday), "the extra Saturday works")
        self.assertFalse(clock(self.office).is_working(datetime(2026, 11, 30, 3, 0)), "the day off does not")
        leave = self.office.global_leave_ids.filtered(lambda leave: leave.name == "Nghỉ dọn văn phòng")
        with Form(office) as form:
            form.global_leave_ids.remove(index=list(office.global_leave_ids).index(leave))
        self.assertTrue(clock(self.office).is_working(datetime(2026, 11, 30, 3, 0)))
