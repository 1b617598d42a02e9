"""A merged duplicate on the portal (issue 15): the customer sees where it went."""

from odoo.tests import tagged

from .common import PortalCase


@tagged("post_install", "-at_install")
class TestPortalMerge(PortalCase):
    def test_merged_ticket_links_to_the_kept_one(self):
        kept = self._ticket(self.user_a, "Không in được hóa đơn")
        duplicate = self._ticket(self.user_a2, "In hóa đơn bị lỗi")
        (kept | duplicate)._merge()
        self.authenticate("portal_a2", "portal_a2")
        page = self.url_open(duplicate.access_url).text
        self.assertIn("o_toperp_merged_into", page)
        self.assertIn(f'href="{kept.access_url}"', page)
        self.assertIn(kept.number, page)
        self.assertFalse(duplicate._portal_can_reopen(), "the duplicate stays closed")
        # The notice in the conversation links to the kept ticket too.
        notice = duplicate.message_ids.filtered(lambda m: m.message_type == "auto_comment")
        self.assertIn(f"res_id={kept.id}", notice.body)
        page = self.url_open(kept.access_url).text
        self.assertNotIn("o_toperp_merged_into", page)
