from odoo.tests import HttpCase


class TestHttpSmoke(HttpCase):
    def test_login_page_and_browser(self):
        response = self.url_open("/web/login")
        self.assertEqual(response.status_code, 200)
        self.browser_js("/web/login", "console.log('test successful')", ready="", login=None)
