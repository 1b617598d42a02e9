"""Every translatable term of our addons has a Vietnamese translation.

Vietnamese is TopERP's support language: an untranslated term shows English to a
customer or an agent. ``./setup/i18n.sh`` re-exports the terms; this test fails on
every term missing from ``i18n/vi.po`` or left empty there, and on translations
whose placeholders differ from the source.
"""

import re
from pathlib import Path

import polib

from odoo.tests import TransactionCase, tagged
from odoo.tools.translate import TranslationModuleReader

ADDONS = ("toperp_helpdesk", "toperp_helpdesk_sla", "toperp_helpdesk_portal")
REPO = Path(__file__).resolve().parent.parent
PLACEHOLDER_RE = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{\w*\}")


# Outside odoo.addons.*, Odoo's MetaCase gives no default tags: set them.
@tagged("standard", "post_install", "-at_install")
class TestVietnameseTranslations(TransactionCase):
    def _installed_addons(self):
        modules = self.env["ir.module.module"].search([("name", "in", ADDONS), ("state", "=", "installed")])
        self.assertIn("toperp_helpdesk", modules.mapped("name"))
        return modules.mapped("name")

    def test_every_term_translated(self):
        problems = []
        self.env["res.lang"]._activate_lang("vi_VN")  # the reader below reads in that language
        for addon in self._installed_addons():
            po_path = REPO / addon / "i18n" / "vi.po"
            pot_path = REPO / addon / "i18n" / f"{addon}.pot"
            self.assertTrue(pot_path.exists(), f"{pot_path} is missing: run ./setup/i18n.sh")
            self.assertTrue(po_path.exists(), f"{po_path} is missing: run ./setup/i18n.sh")
            translated = {
                entry.msgid: entry.msgstr
                for entry in polib.pofile(str(po_path))
                if entry.msgstr.strip() and "fuzzy" not in entry.flags
            }
            reader = TranslationModuleReader(self.env.cr, modules=[addon], lang="vi_VN")
            sources = {row[4] for row in reader if row[0] == addon and row[4] and row[4].strip()}
            for source in sorted(sources):
                if source not in translated:
                    problems.append(f"{addon}: untranslated {source[:90]!r}")
                elif sorted(PLACEHOLDER_RE.findall(source)) != sorted(PLACEHOLDER_RE.findall(translated[source])):
                    problems.append(f"{addon}: placeholders differ in {source[:90]!r}")
        self.assertFalse(problems, "Vietnamese translations to fix (./setup/i18n.sh):\n" + "\n".join(problems))

    def test_customer_sees_vietnamese(self):
        """A Vietnamese user reads the severity criteria and stage names in Vietnamese."""
        self._installed_addons()
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"]._load_module_terms(["toperp_helpdesk"], ["vi_VN"], overwrite=True)
        high = self.env.ref("toperp_helpdesk.severity_high").with_context(lang="vi_VN")
        english = self.env.ref("toperp_helpdesk.severity_high").with_context(lang="en_US")
        self.assertNotEqual(high.name, english.name)
        self.assertIn("Dữ liệu", high.description)
        waiting = self.env.ref("toperp_helpdesk.stage_waiting").with_context(lang="vi_VN")
        self.assertIn("khách hàng", waiting.name.lower())
