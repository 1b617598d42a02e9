from odoo.tests import tagged

from . import common


@tagged("post_install", "-at_install")
class TestPortalTours(common.PortalCase):
    def test_smoke_tour(self):
        self._ticket(self.user_a, "Smoke ticket")
        self.start_tour("/my/tickets", "toperp_portal_smoke", login="portal_a")
