"""Text rules of tools/intake.py: no database involved."""

from odoo.tests import BaseCase

from ..tools import intake

KEYWORDS = {
    "low": ["hướng dẫn", "câu hỏi"],
    "medium": ["không hoạt động", "rất chậm"],
    "high": ["hệ thống bị sập", "dữ liệu bị hỏng", "không đăng nhập được"],
    "critical": ["bị tấn công"],
}
RANKS = {"low": 10, "medium": 20, "high": 30, "critical": 40}


class TestIntakeText(BaseCase):
    def test_fold_strips_vietnamese_diacritics(self):
        self.assertEqual(intake.fold("Không ĐĂNG NHẬP được!"), "khong dang nhap duoc")
        self.assertEqual(intake.fold("Dữ liệu   bị hỏng"), "du lieu bi hong")
        self.assertEqual(intake.fold("Đà Nẵng, ĐỒNG"), "da nang dong")
        self.assertEqual(intake.fold(None), "")

    def test_generic_titles_are_not_titles(self):
        for title in ("", "Hỗ trợ", "HO TRO", "Re: Fwd: lỗi", "Help!", "(no subject)", "Khẩn cấp", "TL: Hỏi",
                      "Re: Hỗ trợ gấp", "Urgent help please", "Cần hỗ trợ ạ", "Báo lỗi TopERP", "Invoice"):
            self.assertFalse(intake.title_is_meaningful(title), title)
        for title in ("Không in được hóa đơn", "Re: Lỗi xuất báo cáo thuế", "Login fails after upgrade",
                      "Lỗi in hóa đơn", "Hỗ trợ: không đăng nhập được"):
            self.assertTrue(intake.title_is_meaningful(title), title)

    def test_steps_need_a_path_an_action_or_real_words(self):
        self.assertFalse(intake.steps_are_described("<p>Lỗi rồi</p>"))
        for filler in ("Hệ thống bị lỗi, nhờ hỗ trợ gấp.", "He thong bi loi, nho ho tro gap a",
                       "The system has an error, please help urgently!", "Em chào anh chị, nhờ hỗ trợ giúp em ạ"):
            self.assertFalse(intake.steps_are_described(f"<p>{filler}</p>"), f"filler: {filler}")
        self.assertFalse(intake.steps_are_described("<p>https://www.loom.com/share/3f2a9c1e</p>"),
                         "a screen recording is the evidence, not the steps")
        self.assertFalse(intake.steps_are_described("<p>Vào lúc 10 giờ hệ thống bị lỗi</p>"), "a time, not a path")
        self.assertTrue(intake.steps_are_described("<p>https://erp.khachhang.vn/web#action=123</p>"),
                        "the URL of the page is its path")
        self.assertTrue(intake.steps_are_described("<p>Kế toán > Hóa đơn khách hàng</p>"), "a menu path")
        self.assertTrue(intake.steps_are_described("<p>bấm In thì lỗi</p>"), "an action")
        self.assertTrue(intake.steps_are_described("<p>Vào Kế toán, mở hóa đơn, bấm In thì lỗi</p>"))
        self.assertTrue(intake.steps_are_described("", extra_text="Tôi mở menu Kho rồi bấm Lưu"))
        self.assertTrue(intake.steps_are_described(
            "<p>Báo cáo công nợ phải thu tháng mười xuất thiếu khách hàng miền Bắc</p>"), "real words")

    def test_quoted_text_is_ignored(self):
        body = (
            "Cảm ơn\n"
            "Vào lúc 10:00 ngày 27/11/2026, TopERP Support đã viết:\n"
            "> Vui lòng mô tả các bước dẫn đến lỗi và gửi ảnh chụp màn hình"
        )
        self.assertEqual(intake.strip_quoted(body).strip(), "Cảm ơn")
        self.assertFalse(intake.steps_are_described(body.replace("\n", "<br/>")))
        english = "Thanks\nOn Fri, 27 Nov 2026 TopERP Support wrote:\nplease describe the steps to reproduce it"
        self.assertEqual(intake.strip_quoted(english).strip(), "Thanks")
        self.assertEqual(intake.strip_quoted("A\n> quoted line\nB"), "A\nB")

    def test_media_links(self):
        self.assertTrue(intake.is_media_url("https://www.loom.com/share/abc123"))
        self.assertTrue(intake.is_media_url("https://youtu.be/xyz"))
        self.assertTrue(intake.is_media_url("https://prnt.sc/AbC123"))
        self.assertTrue(intake.is_media_url("https://cdn.khachhang.vn/files/loi.png?x=1"))
        self.assertFalse(intake.is_media_url("https://erp.khachhang.vn/web#action=12"))
        self.assertFalse(intake.is_media_url("https://notloom.com.evil.vn/share"))
        self.assertEqual(
            intake.media_urls("xem https://www.loom.com/share/a1. và https://erp.vn/web, https://imgur.com/b2"),
            ["https://www.loom.com/share/a1", "https://imgur.com/b2"],
        )
        self.assertEqual(intake.hrefs('<img src="https://i.imgur.com/x.png"/><a href="https://loom.com/s/1">v</a>'),
                         ["https://i.imgur.com/x.png", "https://loom.com/s/1"])

    def test_evidence_mimetypes(self):
        self.assertTrue(intake.is_evidence_mimetype("image/png"))
        self.assertTrue(intake.is_evidence_mimetype("video/mp4"))
        self.assertFalse(intake.is_evidence_mimetype("application/pdf"))
        self.assertFalse(intake.is_evidence_mimetype(None))

    def test_missing_info_codes(self):
        self.assertEqual(intake.missing_info("Hỗ trợ", "<p>Lỗi</p>"), ["title", "steps", "evidence"])
        self.assertEqual(
            intake.missing_info("Không in được hóa đơn", "<p>Vào Kế toán, mở hóa đơn, bấm In thì báo lỗi</p>"),
            ["evidence"],
        )
        complete = "<p>Vào Kế toán, mở hóa đơn, bấm In thì báo lỗi: https://www.loom.com/share/x1</p>"
        self.assertEqual(intake.missing_info("Không in được hóa đơn", complete), [])
        self.assertEqual(
            intake.missing_info("Không in được hóa đơn", "<p>Vào Kế toán, mở hóa đơn, bấm In thì lỗi</p>",
                                has_evidence_attachment=True),
            [],
        )
        self.assertEqual(
            intake.missing_info("Không in được", "<p>Vào Kế toán, mở hóa đơn, bấm In thì lỗi</p>",
                                extra_urls=["https://prnt.sc/zz9"]),
            [],
        )

    def test_severity_suggestion(self):
        def suggest(text):
            return intake.suggest_severity(text, KEYWORDS, RANKS)

        self.assertEqual(suggest("Hệ thống bị sập từ sáng"), "high")
        self.assertEqual(suggest("he thong bi sap tu sang"), "high", "typed without accents")
        self.assertEqual(suggest("DỮ LIỆU BỊ HỎNG sau khi nhập"), "high")
        self.assertEqual(suggest("Nhan vien khong dang nhap duoc"), "high")
        self.assertEqual(suggest("Câu hỏi: hệ thống bị sập và bị tấn công?"), "critical", "most urgent wins")
        self.assertEqual(suggest("Báo cáo rất chậm"), "medium")
        self.assertIsNone(suggest("Xin chào"))
        self.assertIsNone(suggest("khong dang nhap duocxyz"), "whole words only")

    def test_split_keywords(self):
        self.assertEqual(intake.split_keywords("a, b\nc;;\n  d  "), ["a", "b", "c", "d"])

    def test_automatic_messages(self):
        self.assertTrue(intake.is_automatic_message({"auto-submitted": "auto-replied"}))
        self.assertFalse(intake.is_automatic_message({"auto-submitted": "no"}))
        self.assertTrue(intake.is_automatic_message({"x-autoreply": "yes"}))
        self.assertTrue(intake.is_automatic_message({"precedence": "Bulk"}))
        self.assertTrue(intake.is_automatic_message({"content-type": "multipart/report; report-type=delivery-status"}))
        self.assertTrue(intake.is_automatic_message({}, "MAILER-DAEMON@mx.khachhang.vn"))
        self.assertTrue(intake.is_automatic_message({}, '"Hệ thống" <no-reply@khachhang.vn>'))
        self.assertFalse(intake.is_automatic_message({"precedence": "normal"}, "an@hoasen.vn"))
