import base64
import os
import tempfile
from datetime import timedelta
from pathlib import Path

import werkzeug.urls

from odoo import fields
from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser
from odoo.tools import file_open

from . import common

SUCCESS = "screenshot ready"
# Wait until the page shows what it is about, then let the screenshot be taken.
WAIT_FOR = """
(function wait() {
    if (%s) {
        setTimeout(() => console.log(%r), 500);
    } else {
        setTimeout(wait, 100);
    }
})();
"""


@tagged("post_install", "-at_install")
class TestPortalScreenshots(common.PortalCase):
    """Pictures of the portal and of the backend queue, from a real browser.

    ``./setup/screenshots.sh`` runs this test with ``TOPERP_SCREENSHOTS_DIR=docs``;
    otherwise the pictures go to a temporary directory (the pages must still render).
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env["res.lang"]._activate_lang("vi_VN")
        env["ir.module.module"]._load_module_terms(
            ["toperp_helpdesk", "toperp_helpdesk_sla", "toperp_helpdesk_portal", "resource"], ["vi_VN"], overwrite=True
        )
        cls.user_a.lang = "vi_VN"
        severity = {code: env.ref(f"toperp_helpdesk.severity_{code}") for code in ("low", "medium", "high", "critical")}
        samples = [
            ("Không in được hóa đơn bán hàng", "high", cls.user_a),
            ("Báo cáo thuế GTGT sai số liệu tháng 10", "medium", cls.user_a2),
            ("Hướng dẫn cấu hình phê duyệt đơn mua hàng", "low", cls.user_a),
            ("Hệ thống bị sập, không đăng nhập được", "critical", cls.user_a2),
        ]
        cls.tickets = cls.Ticket.browse()
        for name, code, user in samples:
            cls.tickets |= cls._ticket(
                user, name, severity_id=severity[code].id, service_type_id=cls.saas.id,
                affected_url="https://a.toperp.vn/odoo/action-account.action_move_out_invoice_type",
            )
        cls.tickets[0].message_post(
            body="Vào Bán hàng > Hóa đơn, chọn hóa đơn INV/2026/0012 rồi bấm In: trang trắng hiện ra.",
            author_id=cls.user_a.partner_id.id, message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        cls.tickets[0].with_user(cls.agent).message_post(
            body="Chào anh/chị, chúng tôi đã tái hiện được lỗi và đang xử lý.",
            message_type="comment", subtype_xmlid="mail.mt_comment",
        )
        env["toperp.helpdesk.maintenance"].create({
            "name": "Nâng cấp máy chủ cơ sở dữ liệu",
            # The banner shows windows of the coming week: place it after today.
            "date_start": fields.Datetime.now() + timedelta(days=2),
            "date_end": fields.Datetime.now() + timedelta(days=2, hours=2),
            "announced_date": fields.Datetime.now() - timedelta(days=5),
        })
        cls.agent.lang = "vi_VN"
        cls.agent.groups_id |= env.ref("toperp_helpdesk.group_manager")
        # Branded as the demo is (not Odoo's "Your logo", "My Company").
        with file_open("toperp_helpdesk/static/src/img/toperp_logo.png", "rb") as logo:
            env.company.write({
                "name": "TopERP", "logo": base64.b64encode(logo.read()), "phone": "0865.444.886",
                "email": "support@toperp.vn", "website": "https://toperp.vn",
            })

    def _shoot(self, url, ready, login, name):
        browser = ChromeBrowser(self, success_signal=SUCCESS)
        try:
            self.authenticate(login, login, browser=browser)
            if not login:  # an anonymous visitor reading Vietnamese
                browser.set_cookie("frontend_lang", "vi_VN", "/", "127.0.0.1")
            self.cr.flush()
            self.cr.clear()
            browser.navigate_to(werkzeug.urls.url_join(self.base_url(), url), wait_stop=True)
            browser._wait_code_ok(WAIT_FOR % (ready, SUCCESS), 60)
            metrics = browser._websocket_request("Page.getLayoutMetrics")
            size = metrics["cssContentSize"]
            shot = browser._websocket_request("Page.captureScreenshot", params={
                "format": "png",
                "captureBeyondViewport": True,
                "clip": {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 1600), "scale": 0.8},
            })
        finally:
            browser.stop()
            self._wait_remaining_requests()
        data = base64.b64decode(shot["data"])
        path = self.output_dir / name
        path.write_bytes(data)
        return data

    def test_screenshots(self):
        target = os.environ.get("TOPERP_SCREENSHOTS_DIR")
        self.output_dir = Path(target) if target else Path(tempfile.mkdtemp(prefix="toperp_shots_"))
        self.output_dir.mkdir(parents=True, exist_ok=True)
        shots = [
            ("/my/support", "document.querySelector('.o_toperp_ticket_row')", "portal_a", "portal-ticket-list.png"),
            (f"/my/support/{self.tickets[0].id}",
             "document.querySelector('#chatterRoot')?.shadowRoot?.querySelector('.o-mail-Message')",
             "portal_a", "portal-ticket-detail.png"),
            ("/my/support/new", "document.querySelector('.o_toperp_ticket_form')", "portal_a", "portal-ticket-new.png"),
            ("/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action",
             "document.querySelector('.o_data_row, .o_kanban_record')", "toperp_agent", "backend-ticket-queue.png"),
            ("/odoo/action-toperp_helpdesk.toperp_helpdesk_team_action_dashboard",
             "document.querySelector('.o_kanban_record')", "toperp_agent", "backend-team-overview.png"),
            ("/support", "document.querySelector('.o_toperp_support_page')", None, "support-page.png"),
        ]
        for url, selector, login, name in shots:
            data = self._shoot(url, selector, login, name)
            self.assertTrue(data.startswith(b"\x89PNG"), name)
            self.assertGreater(len(data), 10000, name)
