"""The mail gateway under hostile input: every message of ``tests/mail_corpus`` (broken
MIME, wrong charsets, split encoded words, a 20 MB attachment, TNEF, scripts, loops,
auto-replies, bounces, spoofed senders, redeliveries) through support@toperp.vn.

Each message must end exactly as ``manifest.json`` says: one new ticket holding it,
one new message on the right ticket, a logged rejection with the declared reason, or
(Odoo's parser raised on it) kept for a person to review; every message that is no
ticket or ticket message is kept with its reason among the e-mails not processed
(nothing lost); never a crash, never a duplicate, never an e-mail to an automatic
sender. Run with ``-s`` to see the table of outcomes per category.
"""

import base64
import importlib.util
import json
import logging
import time
from collections import Counter
from pathlib import Path

from odoo.addons.toperp_helpdesk.tests import common
from odoo.tests import tagged

CORPUS = Path(__file__).resolve().parent / "mail_corpus"
GATEWAY_LOGGER = "odoo.addons.toperp_helpdesk.models.toperp_helpdesk_mail_gateway"
# Categories whose senders are robots or ourselves: they must never get an e-mail.
AUTOMATIC_CATEGORIES = {"auto_reply", "bounce", "mail_loop"}


def load_generator():
    spec = importlib.util.spec_from_file_location("toperp_mail_corpus_generate", CORPUS / "generate.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class _Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.messages = []

    def emit(self, record):
        self.messages.append(record.getMessage())


# Outside odoo.addons.*, Odoo's MetaCase gives no default tags: set them.
@tagged("standard", "post_install", "-at_install")
class TestMailCorpus(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.generator = load_generator()
        cls.manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
        cls.customer_b_company = cls.env["res.partner"].create(
            {"name": "Công ty CP Sơn Hà", "is_company": True, "email": "lienhe@sonha.com.vn", "lang": "vi_VN"}
        )
        # Odoo ignores a sender who opened more than 20 records in 2 hours (a robot
        # in a loop); the corpus sends most messages as one customer.
        cls.env["ir.config_parameter"].sudo().set_param("mail.gateway.loop.threshold", 1000)
        cls.colleague_a = cls.env["res.partner"].create(
            {"name": "Trương Thị Lan", "email": "lan.truong@hoasen.vn", "parent_id": cls.customer_company.id,
             "lang": "vi_VN"}
        )
        cls.customer_b = cls.env["res.partner"].create(
            {"name": "Đỗ Minh Khoa", "email": "khoa.do@sonha.com.vn", "parent_id": cls.customer_b_company.id,
             "lang": "vi_VN"}
        )

    def _max_id(self, model):
        record = self.env[model].sudo().search([], order="id desc", limit=1)
        return record.id or 0

    def _raw(self, entry, by_label=None):
        if entry.get("build"):
            return self.generator.build_message(entry["build"])
        raw = (CORPUS / entry["file"]).read_bytes()
        if b"SEED_A_NUMBER" in raw:
            raw = raw.replace(b"SEED_A_NUMBER", by_label["seed_a"].number.encode())
        return raw

    def _label(self, entry):
        return entry.get("build") or entry["file"][4:-4]

    def test_manifest_matches_generator(self):
        """The committed corpus is exactly what generate.py writes."""
        entries = [entry for entry, _raw in self.generator.build_all()]
        self.assertEqual(entries, self.manifest, "run python3 tests/mail_corpus/generate.py")
        self.assertGreaterEqual(len(entries), 100)
        for entry, raw in self.generator.build_all():
            if entry["file"]:
                self.assertEqual((CORPUS / entry["file"]).read_bytes(), raw, entry["file"])
        self.assertEqual(sorted(p.name for p in CORPUS.glob("*.eml")),
                         sorted(e["file"] for e in entries if e["file"]), "stray .eml files")

    def test_corpus_outcomes(self):
        Ticket = self.Ticket.sudo()
        Message = self.env["mail.message"].sudo()
        Mail = self.env["mail.mail"].sudo()
        capture = _Capture()
        logger = logging.getLogger(GATEWAY_LOGGER)
        old_level = logger.level
        logger.setLevel(logging.INFO)
        logger.addHandler(capture)
        self.addCleanup(logger.removeHandler, capture)
        self.addCleanup(logger.setLevel, old_level)

        by_label = {}
        problems = []
        actual_table = {}
        first_mail_id = self._max_id("mail.mail")
        started = time.monotonic()
        for entry in self.manifest:
            label, expected = self._label(entry), entry["expected"]
            where = f"{label} ({entry['category']}, expected {expected})"
            max_ticket, max_message, max_mail = (
                self._max_id("toperp.helpdesk.ticket"), self._max_id("mail.message"), self._max_id("mail.mail"))
            capture.messages.clear()
            max_kept = self._max_id("toperp.helpdesk.mail.quarantine")
            raw = self._raw(entry, by_label)
            result = self.env["toperp.helpdesk.mail.gateway"].sudo()._process(raw)
            # What the intake job does once the gateway's transaction is committed.
            self.env["toperp.helpdesk.intake"].sudo()._cron_intake()
            new_tickets = Ticket.search([("id", ">", max_ticket)])
            incoming = Message.search([
                ("id", ">", max_message), ("message_type", "=", "email"), ("model", "=", Ticket._name),
            ])
            new_mails = Mail.search([("id", ">", max_mail)])
            rejection_logged = any(
                m.startswith(f"Helpdesk: rejected message {result['message_id']}: ") for m in capture.messages
            )
            kept = self.env["toperp.helpdesk.mail.quarantine"].sudo().search([("id", ">", max_kept)])
            # What happened, read from the database, not from the gateway's answer.
            if len(new_tickets) == 1 and len(incoming) == 1 and incoming.res_id == new_tickets.id and not kept:
                actual = "created"
            elif not new_tickets and len(incoming) == 1 and not kept:
                actual = "threaded"
            elif not new_tickets and not incoming and rejection_logged and len(kept) == 1:
                actual = "quarantined" if kept.state == "to_review" else "rejected"
                # The message is kept whole (with the Message-ID it was given if it had none).
                if kept.reason != entry.get("reason") or not base64.b64decode(kept.raw).endswith(raw):
                    problems.append(f"{where}: kept as {kept.reason!r}, raw kept: {bool(kept.raw)}")
            else:
                actual = (f"anomaly ({len(new_tickets)} tickets, {len(incoming)} messages, logged: {rejection_logged},"
                          f" kept: {kept.mapped('reason')})")
            actual_table.setdefault(entry["category"], Counter())[actual] += 1
            if actual != expected:
                problems.append(f"{where}: {actual}; gateway said {result}")
                continue
            if result["outcome"] != actual and not (actual == "quarantined" and result["outcome"] == "rejected"):
                problems.append(f"{where}: the gateway answered {result}")
            if result["error"] != (actual == "quarantined"):
                problems.append(f"{where}: error {result.get('detail')}")
            if actual in ("rejected", "quarantined") and result["reason"] != entry.get("reason"):
                problems.append(f"{where}: rejected for {result['reason']!r}, expected {entry.get('reason')!r}")
            ticket = new_tickets or Ticket.browse(incoming.res_id)
            if actual != "rejected":
                by_label[label] = ticket
                problems += [f"{where}: {p}" for p in self._check_landing(entry, ticket, incoming, by_label)]
            # Never an answer to a robot or to ourselves; our answers are marked automatic.
            if entry["category"] in AUTOMATIC_CATEGORIES or actual != "created":
                if new_mails:
                    problems.append(f"{where}: e-mailed {new_mails.mapped('email_to')} {new_mails.mapped('subject')}")
            elif ticket.partner_id.email:
                acks = new_mails.filtered(lambda m, t=ticket: m.model == t._name and m.res_id == t.id)
                if entry.get("ack") is False:
                    if acks:
                        problems.append(f"{where}: the sender asked for no automatic answer, got {acks}")
                elif len(acks) != 1 or "'Auto-Submitted': 'auto-replied'" not in (acks.headers or ""):
                    problems.append(f"{where}: expected one acknowledgement marked Auto-Submitted, got {acks}")
                elif entry.get("ack_to") == "a" and acks.recipient_ids != self.customer:
                    problems.append(f"{where}: acknowledgement sent to {acks.recipient_ids.mapped('email')}")
        elapsed = time.monotonic() - started

        unmarked = Mail.search([("id", ">", first_mail_id), ("model", "=", Ticket._name)]).filtered(
            lambda m: "'Auto-Submitted': 'auto-replied'" not in (m.headers or "")
        )
        self.assertFalse(unmarked, "every automatic e-mail of the gateway carries Auto-Submitted")

        expected_table = self.generator.expected_table(self.manifest)
        print(f"\nMail corpus: {len(self.manifest)} messages in {elapsed:.1f} s")
        print(self.generator.format_table(actual_table))
        self.assertFalse(problems, "\n".join(problems))
        self.assertEqual(actual_table, expected_table)

    def _check_landing(self, entry, ticket, incoming, by_label):
        """Problems with where and how a created or threaded message landed."""
        problems = []
        if entry.get("thread") and ticket != by_label.get(entry["thread"]):
            problems.append(f"threaded into {ticket.display_name}, not into {entry['thread']}")
        if "internal" in entry:
            internal = bool(incoming.is_internal or incoming.subtype_id.internal)
            if internal != entry["internal"]:
                problems.append(f"internal note: {internal}")
        partners = {"a": self.customer, "b": self.customer_b}
        if entry.get("partner") in partners and ticket.partner_id != partners[entry["partner"]]:
            problems.append(f"customer is {ticket.partner_id.display_name}")
        if entry.get("partner") == "new" and (
            not ticket.partner_id or ticket.partner_id in (self.customer | self.customer_b)
        ):
            problems.append(f"customer is {ticket.partner_id.display_name}, expected a new contact")
        if "name" in entry and ticket.name != entry["name"]:
            problems.append(f"title {ticket.name!r}")
        if "name_length" in entry and len(ticket.name) != entry["name_length"]:
            problems.append(f"title of {len(ticket.name)} characters")
        for text in entry.get("description_contains", ()) and [entry["description_contains"]]:
            if text not in (ticket.description or ""):
                problems.append(f"{text!r} not in the description {ticket.description!r:.300}")
        for marker in entry.get("description_excludes", ()):
            for what, html in (("description", ticket.description), ("message", incoming.body)):
                if marker.lower() in str(html or "").lower():
                    problems.append(f"{marker!r} left in the {what}")
        attachments = self.env["ir.attachment"].sudo().search(
            [("res_model", "=", ticket._name), ("res_id", "=", ticket.id)]
        )
        for name in entry.get("attachments", ()):
            if name not in attachments.mapped("name"):
                problems.append(f"attachment {name!r} missing among {attachments.mapped('name')}")
        if "attachments_count" in entry and len(attachments) != entry["attachments_count"]:
            problems.append(f"{len(attachments)} attachments")
        if "missing_info" in entry and (ticket.missing_info or "") != entry["missing_info"]:
            problems.append(f"missing info {ticket.missing_info!r}")
        followers = ticket.message_partner_ids.mapped("email_normalized")
        for email in entry.get("followers_exclude", ()):
            if email in followers:
                problems.append(f"{email} became a follower")
        return problems
