"""E-mail through a real mail server, as in production (issue 11, README.md *E-mail
through Postfix*).

A Postfix instance of our own (``tests/mail_server.py``: loopback only, its own
configuration and queue, stopped at the end) pipes the support address into the real
``setup/mailgate.sh`` as the unprivileged user ``nobody``, and keeps the customer's
mailbox as Maildir files. The mail gateway's Odoo and the agent's Odoo process send
through that Postfix (``smtp_server``/``smtp_port`` of their configuration). The
customer writes with ``smtplib`` as a mail client does:

new report → the acknowledgement arrives in the customer's mailbox ([number] in the
subject, Vietnamese, Reply-To the support address) → a reply from a normal client
(In-Reply-To) and one from an Outlook-style client (no thread headers, the number in
the subject) thread into that ticket → the agent's answer arrives → the same message
delivered again opens nothing and sends nothing.

mailgate.sh runs in processes of its own, so the data is committed in the test
database and removed at the end (as in ``test_mailgate.py``). Dates are the real
ones: the other processes cannot share a frozen clock.
"""

import email.utils
import os
import pwd
import re
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time
import uuid
from email.message import EmailMessage
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import new_test_user, tagged
from odoo.tests.common import BaseCase, get_db_name

from . import mail_server
from .scale import harness

REPO = Path(__file__).resolve().parent.parent
MAIL_USER = "nobody"  # the pipe's user= in the test; production: the Odoo system user
TIMEOUT = 180
TITLE = "Không in được hóa đơn bán hàng"
REPORT = (
    "Chào bộ phận hỗ trợ,\n\n"
    "Vào Kế toán > Khách hàng > Hóa đơn, chọn hóa đơn INV/2026/00042 rồi bấm In thì "
    "màn hình báo lỗi và không tải được tệp PDF.\n"
    "Video: https://www.loom.com/share/5c1d2e3f4a5b6c7d8e9f\n\n"
    "Trân trọng,\nTrần Văn Nam\n"
)
AGENT_ANSWER = "Bên em đã sửa mẫu in hóa đơn, anh vui lòng thử in lại giúp em."
# The Odoo server's part: the agent answers in the ticket's chatter (run as its own
# process with the mail gateway's configuration: Odoo sends through our Postfix).
AGENT_SCRIPT = """
import sys
import odoo
conf, db, ticket_id, uid, body = sys.argv[1:6]
odoo.tools.config.parse_config(["-c", conf, "--log-level=warn"])
registry = odoo.modules.registry.Registry(db)
with registry.cursor() as cr:
    env = odoo.api.Environment(cr, int(uid), {})
    env["toperp.helpdesk.ticket"].browse(int(ticket_id)).message_post(
        body=body, message_type="comment", subtype_xmlid="mail.mt_comment")
# Odoo sends the notifications once the transaction is committed (when the cursor closes).
"""


@tagged("standard", "post_install", "-at_install")
class TestPostfixEndToEnd(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        if os.geteuid() != 0:
            raise RuntimeError("the Postfix test starts a mail server: run ./setup/test.sh as root")
        if not Path(mail_server.POSTFIX).exists():
            raise RuntimeError("no /usr/sbin/postfix: ./setup/test.sh installs Debian's postfix")
        cls.db = get_db_name()
        cls.registry = Registry(cls.db)
        cls.tag = uuid.uuid4().hex[:8]
        cls.staff_domain = f"toperp-{cls.tag}.test"
        cls.customer_domain = f"hoasen-{cls.tag}.test"
        cls.support = f"support@{cls.staff_domain}"
        cls.customer = f"nam.tran@{cls.customer_domain}"
        cls.other_customer = f"lan.pham@{cls.customer_domain}"
        cls.ids = {}
        cls.workdir = Path(tempfile.mkdtemp(prefix="toperp-postfix-"))
        cls.workdir.chmod(0o755)  # the mail user reaches its files in here
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        if not mail_server.reachable_by_others(cls.workdir):
            raise RuntimeError(f"{MAIL_USER} cannot reach {cls.workdir}: set TMPDIR to a directory open to others")
        cls.addClassCleanup(cls._cleanup)
        cls._create_data()
        port = harness.free_port()
        mailgate_env = cls._mail_user_install(port)
        cls.postfix = mail_server.Postfix(
            cls.workdir / "mail", port, cls.support,
            ["/usr/bin/env", *mailgate_env, str(cls.mailgate)], MAIL_USER,
            mailboxes=[cls.customer, cls.other_customer], catchall_domains=[cls.staff_domain],
        )
        cls.addClassCleanup(cls.postfix.stop)
        cls.postfix.start()

    # ------------------------------------------------------------------
    # The mail user's installation, committed data (and its removal)
    # ------------------------------------------------------------------

    @classmethod
    def _mail_user_install(cls, smtp_port):
        """What the pipe's user needs, as the Odoo system user has it in production:
        the virtualenv (a copy made of hard links: root's home is closed to others),
        Odoo's data directory (the filestore) and the configuration; returns the
        environment of the pipe's command."""
        odoo_src = Path(odoo.__file__).resolve().parent.parent
        if not mail_server.reachable_by_others(odoo_src):
            raise RuntimeError(f"{MAIL_USER} cannot reach {odoo_src}: put Odoo where other users can read")
        home = cls.workdir / "mailgate"
        home.mkdir()
        repo = REPO
        if not mail_server.reachable_by_others(REPO):
            # A clone under a directory closed to others (root's home): the pipe's user
            # runs a copy of it (hard links), as production installs the code for it.
            repo = home / "repo"
            mail_server.copy_tree_as_links(REPO, repo, ignore=shutil.ignore_patterns(".git"))
        cls.mailgate = repo / "setup" / "mailgate.sh"
        venv, python_env = mail_server.python_for_others(home)
        data_dir = cls.mailgate_data_dir = home / "data"
        data_dir.mkdir()
        user = pwd.getpwnam(MAIL_USER)
        os.chown(data_dir, user.pw_uid, user.pw_gid)
        conf = home / "odoo.conf"
        rc = Path(odoo.tools.config.rcfile).read_text(encoding="utf-8")
        rc = re.sub(r"(?m)^(data_dir|logfile|smtp_server|smtp_port)\s*=.*\n", "", rc).replace(str(REPO), str(repo))
        conf.write_text(
            rc.rstrip("\n") + f"\ndata_dir = {data_dir}\nlogfile =\nsmtp_server = 127.0.0.1\nsmtp_port = {smtp_port}\n",
            encoding="utf-8",
        )
        cls.mailgate_conf = conf
        return [
            f"HOME={home}", "LANG=C.UTF-8", "PATH=/usr/local/bin:/usr/bin:/bin",
            *python_env, f"TOPERP_VENV={venv}", f"TOPERP_DB={cls.db}", f"TOPERP_CONF={conf}",
            f"ODOO_SRC={os.environ.get('TOPERP_ODOO_SRC') or Path(odoo.__file__).resolve().parent.parent}",
        ]

    @classmethod
    def _env(cls, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    @classmethod
    def _create_data(cls):
        with cls.registry.cursor() as cr:
            env = cls._env(cr)
            vietnamese = env["res.lang"].with_context(active_test=False).search([("code", "=", "vi_VN")])
            cls.ids["lang_was_active"] = vietnamese.active
            env["res.lang"]._activate_lang("vi_VN")
            env["ir.module.module"]._load_module_terms(
                ["toperp_helpdesk", "toperp_helpdesk_sla", "toperp_helpdesk_portal"], ["vi_VN"], overwrite=True,
            )
            company = env.ref("base.main_company")
            AliasDomain = env["mail.alias.domain"]
            cls.ids["company_alias_domain"] = company.alias_domain_id.id
            without_domain = env["mail.alias"].search([("alias_domain_id", "=", False)])
            domain = AliasDomain.create(
                {"name": cls.staff_domain, "bounce_alias": "bounce", "catchall_alias": "catchall",
                 "default_from": "notifications"}
            )
            cls.ids["alias_domain"] = domain.id
            # The first alias domain ever created is given to every alias without one:
            # not to the other teams' (the shipped team's alias is "support" too).
            without_domain.alias_domain_id = False
            company.alias_domain_id = domain
            # Our support@ reaches our team only: not another alias answering "support"
            # of any domain (test_mailgate.py leaves the shipped team's so).
            local_support = env["mail.alias"].search(
                [("alias_name", "=", "support"), ("alias_incoming_local", "=", True)]
            )
            cls.ids["local_support_aliases"] = local_support.ids
            local_support.alias_incoming_local = False
            agent = new_test_user(
                env, login=f"postfix_agent_{cls.tag}", name="Lê Thị Thu", email=f"thu@{cls.staff_domain}",
                groups="toperp_helpdesk.group_user",
            )
            cls.ids["agent"] = agent.id
            cls.ids["agent_partner"] = agent.partner_id.id
            team = env["toperp.helpdesk.team"].create(
                {"name": "Hỗ trợ TopERP", "alias_name": "support", "alias_domain_id": domain.id,
                 "alias_contact": "everyone", "member_ids": [(6, 0, agent.ids)], "assign_method": "round_robin"}
            )
            cls.ids["team"] = team.id

    @classmethod
    def _cleanup(cls):
        if not cls.ids.get("alias_domain"):
            return
        with cls.registry.cursor() as cr:
            env = cls._env(cr)
            tickets = env["toperp.helpdesk.ticket"].with_context(active_test=False).search(
                [("team_id", "=", cls.ids.get("team"))]
            )
            env["mail.activity"].search([("res_model", "=", tickets._name), ("res_id", "in", tickets.ids)]).unlink()
            tickets.unlink()
            env["toperp.helpdesk.mail.quarantine"].search([("email_from", "ilike", cls.customer_domain)]).unlink()
            team = env["toperp.helpdesk.team"].browse(cls.ids.get("team")).exists()
            env["mail.message"].search([("model", "=", team._name), ("res_id", "in", team.ids)]).unlink()
            team.unlink()
            users = env["res.users"].browse(cls.ids.get("agent")).exists()
            partners = env["res.partner"].with_context(active_test=False).search(
                ["|", ("id", "=", cls.ids.get("agent_partner")), ("email", "=ilike", f"%@{cls.customer_domain}")]
            )
            for records in (users, partners):
                try:
                    with cr.savepoint():
                        records.unlink()
                except Exception:
                    records.active = False
            company = env.ref("base.main_company")
            company.alias_domain_id = cls.ids["company_alias_domain"]
            env["mail.alias.domain"].browse(cls.ids["alias_domain"]).unlink()
            env["mail.alias"].browse(cls.ids.get("local_support_aliases", [])).exists().alias_incoming_local = True
            if not cls.ids["lang_was_active"]:
                try:
                    with cr.savepoint():  # refused while a contact left behind speaks it
                        env["res.lang"].search([("code", "=", "vi_VN")]).active = False
                except Exception:
                    pass

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def wait_for(self, condition, what, timeout=TIMEOUT):
        """Poll ``condition`` until it returns something true; fail with the mail log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = condition()
            if found:
                return found
            time.sleep(0.3)
        self.fail(f"{what}: not within {timeout}s. Postfix's log:\n{self.postfix.log_tail(40)}")

    def send(self, message, status="sent"):
        """Submit ``message`` to Postfix as the customer's mail client does, then wait
        until Postfix handed it to mailgate.sh and the script ended: "sent" when it
        exited 0, "deferred" when it exited 75. Returns the script's output."""
        before = len(self.postfix.pipe_results())
        with smtplib.SMTP("127.0.0.1", self.postfix.port, timeout=60) as smtp:
            smtp.send_message(message)
        return self.wait_delivery(before, status, message["Subject"])

    def wait_delivery(self, before, status, what):
        """Wait for the pipe delivery after the ``before`` first ones."""
        results = self.wait_for(lambda: self.postfix.pipe_results()[before:], f"delivery of {what}")
        self.assertEqual(results[0][0], status, f"mailgate.sh: {results[0]}")
        return results[0][1]

    def new_message(self, subject, body, msgid=None, sender=None, **headers):
        """An e-mail to the support address from ``sender`` (name, address), by default
        the customer; ``headers`` by their Python names (``In_Reply_To``)."""
        message = EmailMessage()
        message["From"] = email.utils.formataddr(sender or ("Trần Văn Nam", self.customer))
        message["To"] = self.support
        message["Subject"] = subject
        message["Date"] = email.utils.formatdate(localtime=True)
        message["Message-ID"] = msgid or email.utils.make_msgid(domain=self.customer_domain)
        for name, value in headers.items():
            message[name.replace("_", "-")] = value
        message.set_content(body)
        return message

    def mailbox(self, address=None):
        return self.postfix.messages(address or self.customer)

    def wait_mailbox(self, count, what, address=None):
        """The messages of the mailbox, once it holds ``count`` of them."""

        def arrived():
            messages = self.mailbox(address)
            return messages if len(messages) >= count else None

        return self.wait_for(arrived, what)

    def ticket_of(self, msgid):
        """(ticket id, number, messages in it) of the ticket holding e-mail ``msgid``."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            messages = env["mail.message"].search(
                [("message_id", "=", msgid), ("model", "=", "toperp.helpdesk.ticket")]
            )
            self.assertEqual(len(messages), 1, f"{msgid} is in one ticket, once")
            ticket = env["toperp.helpdesk.ticket"].browse(messages.res_id)
            return ticket.id, ticket.number, len(ticket.message_ids)

    def customer_tickets(self):
        with self.registry.cursor() as cr:
            return self._env(cr)["toperp.helpdesk.ticket"].search_count([("partner_id.email", "=", self.customer)])

    # ------------------------------------------------------------------
    # The round trip
    # ------------------------------------------------------------------

    def test_round_trip_through_postfix(self):
        """A new report by SMTP, its acknowledgement in the customer's mailbox, a reply
        from a normal client and one from Outlook in its ticket, the agent's answer in
        the mailbox, the same message delivered again: nothing new."""
        # A new report, from a customer the helpdesk does not know yet.
        report = self.new_message(TITLE, REPORT, User_Agent="Mozilla Thunderbird 128.5")
        self.send(report)
        ticket_id, number, _count = self.ticket_of(report["Message-ID"])
        self.assertRegex(number, r"^HD\d\d-\d{5}$")

        # The acknowledgement, in the customer's mailbox.
        [ack] = self.wait_mailbox(1, "the acknowledgement")
        self.assertEqual(str(ack["Subject"]), f"[{number}] TopERP đã tiếp nhận yêu cầu của Quý khách: {TITLE}")
        self.assertEqual(email.utils.parseaddr(str(ack["Reply-To"]))[1], self.support,
                         "the customer's answer goes back to the helpdesk")
        self.assertEqual(email.utils.parseaddr(str(ack["From"]))[1], self.support)
        text = mail_server.text_of(ack)
        self.assertIn(number, text)
        self.assertIn("Để bổ sung thông tin, Quý khách chỉ cần trả lời email này.", text, "in Vietnamese")

        # A reply from a normal client: In-Reply-To and References name the acknowledgement.
        reply = self.new_message(
            f"Re: {ack['Subject']}", "Em gửi thêm: lỗi xảy ra với mọi hóa đơn của tháng 11.\n\n> " + text[:200],
            In_Reply_To=ack["Message-ID"], References=f"{report['Message-ID']} {ack['Message-ID']}",
        )
        self.send(reply)
        self.assertEqual(self.ticket_of(reply["Message-ID"])[:2], (ticket_id, number))

        # Outlook: no In-Reply-To, no References, its own subject prefix and headers.
        outlook = self.new_message(
            f"RE: [{number}] TopERP đã tiếp nhận yêu cầu của Quý khách: {TITLE}",
            "Dạ em thử lại trên máy khác cũng bị như vậy ạ.\n\n"
            "From: Hỗ trợ TopERP <" + self.support + ">\nSent: Wednesday, December 2, 2026\n",
            Thread_Topic=f"[{number}] TopERP đã tiếp nhận yêu cầu của Quý khách: {TITLE}",
            Thread_Index="AQHbRm5dVf3e1wXcQkq7tQ2lqHRv9w==", X_Mailer="Microsoft Outlook 16.0",
            Content_Language="vi-VN",
        )
        self.send(outlook)
        self.assertEqual(self.ticket_of(outlook["Message-ID"])[:2], (ticket_id, number),
                         "the customer's reply threads on the number of its subject")
        self.assertEqual(self.customer_tickets(), 1, "one ticket for the three e-mails")
        self.assertEqual(len(self.mailbox()), 1, "replies are not acknowledged")

        # The agent answers in Odoo: the answer reaches the customer through Postfix.
        result = subprocess.run(
            [sys.executable, "-", str(self.mailgate_conf), self.db, str(ticket_id), str(self.ids["agent"]),
             AGENT_ANSWER],
            input=AGENT_SCRIPT, capture_output=True, text=True, timeout=TIMEOUT,
        )
        self.assertEqual(result.returncode, 0, result.stderr[-3000:])
        answer = self.wait_mailbox(2, "the agent's answer")[1]
        self.assertEqual(str(answer["Subject"]), f"[{number}] {TITLE}")
        self.assertIn(AGENT_ANSWER, mail_server.text_of(answer))
        self.assertEqual(email.utils.parseaddr(str(answer["Reply-To"]))[1], self.support)

        # The mail server delivers the report again (a retry after a lost answer).
        messages = self.ticket_of(report["Message-ID"])[2]
        self.send(report)
        self.assertEqual(self.ticket_of(report["Message-ID"]), (ticket_id, number, messages),
                         "the same e-mail again: no new ticket, no new message")
        with self.registry.cursor() as cr:
            kept = self._env(cr)["toperp.helpdesk.mail.quarantine"].search(
                [("message_id", "=", report["Message-ID"])]
            )
            self.assertEqual(kept.mapped("reason"), ["duplicate"], "kept with its reason, for a person to check")
        self.assertEqual(self.customer_tickets(), 1)
        self.assertEqual(len(self.mailbox()), 2, "and no second acknowledgement")
        # mailgate.sh ran as the pipe's unprivileged user: the kept e-mail it wrote in
        # Odoo's filestore is that user's file.
        stored = [path for path in self.mailgate_data_dir.rglob("*") if path.is_file()]
        self.assertTrue(stored)
        self.assertEqual({path.owner() for path in stored}, {MAIL_USER})

    def test_database_down_postfix_keeps_the_message(self):
        """PostgreSQL out of reach: mailgate.sh exits 75, Postfix keeps the message in
        its queue (no bounce to the customer) and delivers it again a little later;
        once the database is back, the ticket is opened and acknowledged."""
        conf = self.mailgate_conf.read_text(encoding="utf-8")
        self.addCleanup(self.mailgate_conf.write_text, conf, encoding="utf-8")
        self.mailgate_conf.write_text(
            re.sub(r"(?m)^db_port\s*=.*$", f"db_port = {harness.free_port()}", conf), encoding="utf-8"
        )
        report = self.new_message(TITLE, REPORT, sender=("Phạm Thị Lan", self.other_customer))
        before = len(self.postfix.pipe_results())
        detail = self.send(report, status="deferred")
        self.assertIn("temporary failure", detail)
        with self.registry.cursor() as cr:
            found = self._env(cr)["mail.message"].search_count([("message_id", "=", report["Message-ID"])])
            self.assertEqual(found, 0, "nothing of it committed")
        self.assertEqual(self.mailbox(self.other_customer), [], "no bounce: the message is not refused")

        self.mailgate_conf.write_text(conf, encoding="utf-8")  # the database is back
        self.wait_for(
            lambda: [status for status, _detail in self.postfix.pipe_results()[before:] if status != "deferred"],
            "the next attempt",
        )
        self.assertEqual(self.postfix.pipe_results()[-1][0], "sent")
        _ticket_id, number, _count = self.ticket_of(report["Message-ID"])
        [ack] = self.wait_mailbox(1, "the acknowledgement", address=self.other_customer)
        self.assertTrue(str(ack["Subject"]).startswith(f"[{number}] "))
