import base64

from odoo.tests import tagged

from . import common

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)
TICKET_MODEL = "toperp.helpdesk.ticket"


@tagged("post_install", "-at_install")
class TestPortalChatterUpload(common.PortalCase):
    """Files added to a ticket's conversation with the paperclip of the portal chatter
    (Odoo's /mail/attachment/upload) obey the limits of the new-ticket form."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("toperp_helpdesk_portal.max_upload_mb", "1")
        cls.ticket = cls._ticket(cls.user_a, "Cannot print the sales invoice")

    def _upload(self, name, data, mimetype, ticket=None):
        """What the chatter sends when the customer picks a file: the JSON answer."""
        response = self._post(
            "/mail/attachment/upload",
            {"thread_id": (ticket or self.ticket).id, "thread_model": TICKET_MODEL, "is_pending": "true"},
            files={"ufile": (name, data, mimetype)},
        )
        self.assertEqual(response.status_code, 200, response.text[:500])
        return response.json()

    def _stored(self, name):
        return self.env["ir.attachment"].sudo().search([("name", "=", name)])

    def test_refused_files(self):
        self.authenticate("portal_a", "portal_a")
        cases = [
            ("setup.exe", b"MZ\x90\x00" * 10, "application/octet-stream",
             "The file setup.exe is not accepted. Accepted types: avi, bmp, gif, heic, jpeg, jpg, log, mkv, mov,"
             " mp4, pdf, png, txt, webm, webp."),
            ("big.mp4", b"\x00" * (1024 * 1024 + 10), "video/mp4",
             "The file big.mp4 is larger than 1 MB. Please share big videos as a link (Loom…)."),
            ("fake.png", b"<html><script>alert(1)</script></html>", "image/png",
             "The content of fake.png does not match its type."),
            ("empty.png", b"", "image/png", "The file empty.png is empty."),
        ]
        for name, data, mimetype, message in cases:
            answer = self._upload(name, data, mimetype)
            self.assertEqual(answer, {"error": message}, name)
            self.assertFalse(self._stored(name), f"{name} is not stored")

    def test_accepted_file_reaches_the_ticket(self):
        self.authenticate("portal_a", "portal_a")
        answer = self._upload("shot.png", PNG, "image/png")
        self.assertNotIn("error", answer)
        uploaded = answer["data"]["ir.attachment"][0]
        self.assertEqual(uploaded["name"], "shot.png")
        # The customer sends the reply with the file: it lands on the ticket.
        reply = self._jsonrpc("/mail/message/post", {
            "thread_model": TICKET_MODEL,
            "thread_id": self.ticket.id,
            "post_data": {"body": "The screenshot", "attachment_ids": [uploaded["id"]],
                          "message_type": "comment", "subtype_xmlid": "mail.mt_comment"},
            "attachment_tokens": [uploaded["access_token"]],
        })
        self.assertNotIn("error", reply)
        message = self.ticket.message_ids.filtered(lambda m: "The screenshot" in str(m.body))
        self.assertEqual(message.author_id, self.user_a.partner_id)
        self.assertEqual(message.attachment_ids.mapped("name"), ["shot.png"])
        self.assertEqual(message.attachment_ids.res_id, self.ticket.id)

    def test_error_in_customer_language(self):
        self.env["res.lang"]._activate_lang("vi_VN")
        self.user_a2.lang = "vi_VN"
        self.authenticate("portal_a2", "portal_a2")
        answer = self._upload("big.mp4", b"\x00" * (1024 * 1024 + 10), "video/mp4")
        self.assertEqual(
            answer,
            {"error": "Tệp big.mp4 vượt quá 1 MB. Với video dung lượng lớn, Quý khách vui lòng gửi đường dẫn (Loom…)."},
        )

    def test_staff_uploads_are_not_limited(self):
        self.authenticate("toperp_agent", "toperp_agent")
        answer = self._upload("export.xlsx", b"PK\x03\x04" + b"\x00" * (1024 * 1024), "application/octet-stream")
        self.assertNotIn("error", answer)
        self.assertEqual(self._stored("export.xlsx").file_size, 1024 * 1024 + 4)
