"""The policy's replies shipped as canned responses (``:`` shortcuts of the composer)."""

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from . import common

SHIPPED = (
    "canned_response_missing_title",
    "canned_response_missing_steps",
    "canned_response_missing_evidence",
    "canned_response_scope_infrastructure",
    "canned_response_scope_customer_server",
    "canned_response_scope_maintenance",
    "canned_response_scope_customer_use",
    "canned_response_scope_unpaid",
    "canned_response_scope_connection",
    "canned_response_scope_language",
    "canned_response_hotline",
    "canned_response_priority_plan",
)


@tagged("post_install", "-at_install")
class TestCannedResponses(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.module.module"]._load_module_terms(["toperp_helpdesk"], ["vi_VN"], overwrite=True)
        cls.responses = cls.env["mail.canned.response"].browse(
            [cls.env.ref(f"toperp_helpdesk.{xmlid}").id for xmlid in SHIPPED]
        )

    def _composer_responses(self, user):
        """What the composer offers ``user`` after ':' (the domain of mail's webclient)."""
        return self.env["mail.canned.response"].with_user(user).search(
            ["|", ("create_uid", "=", user.id), ("group_ids", "in", user.groups_id.ids)]
        )

    def test_agents_get_every_policy_reply(self):
        offered = self._composer_responses(self.agent_1)
        self.assertEqual(offered & self.responses, self.responses)
        self.assertTrue(all(source.startswith("hd-") for source in self.responses.mapped("source")))
        employee = new_test_user(self.env, login="hd_accountant", groups="base.group_user")
        self.assertFalse(self._composer_responses(employee) & self.responses, "agents' answers only")

    def test_vietnamese_agent_reads_vietnamese(self):
        vietnamese = self.responses.with_context(lang="vi_VN")
        english = self.responses.with_context(lang="en_US")
        for vi, en in zip(vietnamese, english, strict=True):
            self.assertNotEqual(vi.substitution, en.substitution, vi.source)
            self.assertNotEqual(vi.description, en.description, vi.source)
        by_xmlid = dict(zip(SHIPPED, vietnamese, strict=True))
        self.assertIn("Loom", by_xmlid["canned_response_missing_evidence"].substitution)
        self.assertIn("đường dẫn (URL)", by_xmlid["canned_response_missing_evidence"].substitution)
        self.assertIn("0865.444.886", by_xmlid["canned_response_hotline"].substitution)
        self.assertIn("sales@toperp.vn", by_xmlid["canned_response_priority_plan"].substitution)
        self.assertIn("cước phí", by_xmlid["canned_response_scope_unpaid"].substitution)
        self.assertIn("tiếng Việt", by_xmlid["canned_response_scope_language"].substitution)
        # What the composer receives is read in the agent's language.
        data = vietnamese[:1]._read_format(["source", "substitution"])
        self.assertEqual(data[0]["substitution"], vietnamese[0].substitution)

    def test_shipped_noupdate_and_editable_by_leads(self):
        data = self.env["ir.model.data"].search(
            [("module", "=", "toperp_helpdesk"), ("model", "=", "mail.canned.response")]
        )
        self.assertEqual(len(data), len(SHIPPED))
        self.assertTrue(all(data.mapped("noupdate")))
        hotline = self.env.ref("toperp_helpdesk.canned_response_hotline")
        hotline.with_user(self.manager).substitution = "Hotline: 1900 0000"
        self.assertEqual(hotline.with_context(lang="en_US").substitution, "Hotline: 1900 0000")
        with self.assertRaises(AccessError):
            hotline.with_user(self.agent_1).substitution = "Gọi tôi"

    def test_other_apps_canned_responses_unchanged(self):
        """Translatable text keeps other apps' canned responses as written, in every language."""
        mine = self.env["mail.canned.response"].with_user(self.agent_1).create(
            {"source": "chao", "substitution": "Xin chào, tôi có thể giúp gì?"}
        )
        self.assertEqual(mine.with_context(lang="en_US").substitution, "Xin chào, tôi có thể giúp gì?")
        self.assertEqual(mine.with_context(lang="vi_VN").substitution, "Xin chào, tôi có thể giúp gì?")
        self.assertIn(mine, self._composer_responses(self.agent_1))
        self.assertNotIn(mine, self._composer_responses(self.agent_2))
        with self.assertRaises(AccessError):
            mine.with_user(self.manager).substitution = "Chào"
