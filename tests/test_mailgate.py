"""``setup/mailgate.sh``, the command a mail server pipes each e-mail for support@ into.

The real script runs in its own processes, as Postfix would run it, on the test
database (committed data, removed at the end, as ``test_scale_out.py`` does; no
database of its own to install): the example e-mail of the README opens a ticket and
prints its summary line, the same e-mail again is rejected as a duplicate, and when
the database is unreachable, missing or dies in the middle of the transaction the
script exits 75 (EX_TEMPFAIL: the mail server keeps the message and retries) with
nothing committed. Two deliveries of one message at the same instant open one ticket.
E-mails sent by the script go to a local SMTP sink.
"""

import configparser
import email
import email.policy
import os
import re
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from pathlib import Path

import psycopg2

import odoo
from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name

from .scale import harness

REPO = Path(__file__).resolve().parent.parent
MAILGATE = REPO / "setup" / "mailgate.sh"
EXAMPLE = REPO / "docs" / "examples" / "new_ticket_vi.eml"
EXAMPLE_MSGID = "<demo-new-ticket-1@hoasen.vn>"
CUSTOMER = "nam.tran@hoasen.vn"
EX_TEMPFAIL = 75
TIMEOUT = 120
# What README.md shows for the example e-mail (the number is the database's next one).
SUMMARY_RE = re.compile(
    r"^(HD\d\d-\d{5}): Không đăng nhập được vào hệ thống "
    r"\[Low, email, missing: evidence, stage: Waiting for Customer\]$"
)


@tagged("standard", "post_install", "-at_install")
class TestMailgate(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.registry = Registry(cls.db)
        cls.tag = uuid.uuid4().hex[:8]
        cls.workdir = Path(tempfile.mkdtemp(prefix="toperp-mailgate-"))
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.smtp = harness.SmtpSink().start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.conf = cls._conf("odoo.conf", smtp_server="127.0.0.1", smtp_port=cls.smtp.port)
        cls.msgids = [EXAMPLE_MSGID]
        cls._cleanup()  # what an interrupted run on a kept database left
        cls.addClassCleanup(cls._cleanup)
        with cls.registry.cursor() as cr:
            # The team's alias "support" answers support@ of any domain: no alias domain
            # of our own (the first one would be given to the company and every alias).
            alias = cls._env(cr).ref("toperp_helpdesk.team_support").alias_id
            cls.alias_state = (alias.id, alias.alias_incoming_local, alias.alias_contact)
            alias.write({"alias_incoming_local": True, "alias_contact": "everyone"})
            # As after the first e-mail routed through it (Odoo marks the alias valid then:
            # two first e-mails at once would conflict on that write, and be retried).
            alias.alias_status = "valid"
        cls.addClassCleanup(cls._restore_alias)

    @classmethod
    def _env(cls, cr):
        return api.Environment(cr, SUPERUSER_ID, {})

    @classmethod
    def _conf(cls, name, **options):
        """The test run's Odoo configuration with ``options`` changed."""
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(odoo.tools.config.rcfile)
        parser["options"].update({key: str(value) for key, value in options.items()})
        parser["options"]["logfile"] = ""
        path = cls.workdir / name
        with open(path, "w", encoding="utf-8") as handle:
            parser.write(handle)
        return path

    @classmethod
    def _restore_alias(cls):
        alias_id, incoming_local, contact = cls.alias_state
        with cls.registry.cursor() as cr:
            cls._env(cr)["mail.alias"].browse(alias_id).write(
                {"alias_incoming_local": incoming_local, "alias_contact": contact}
            )

    @classmethod
    def _cleanup(cls):
        with cls.registry.cursor() as cr:
            env = cls._env(cr)
            messages = env["mail.message"].search([("message_id", "in", cls.msgids)])
            tickets = env["toperp.helpdesk.ticket"].browse(
                messages.filtered(lambda m: m.model == "toperp.helpdesk.ticket").mapped("res_id")
            ).exists()
            env["mail.activity"].search([("res_model", "=", tickets._name), ("res_id", "in", tickets.ids)]).unlink()
            tickets.unlink()
            messages.exists().unlink()
            partners = env["res.partner"].with_context(active_test=False).search([("email", "=", CUSTOMER)])
            try:
                with cr.savepoint():
                    partners.unlink()
            except Exception:
                partners.active = False

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    def _script_env(self, conf=None, db=None, appname=None):
        env = dict(os.environ, TOPERP_DB=db or self.db, TOPERP_CONF=str(conf or self.conf))
        if os.environ.get("TOPERP_ODOO_SRC"):
            env["ODOO_SRC"] = os.environ["TOPERP_ODOO_SRC"]
        if appname:
            # application_name of its PostgreSQL connections: we find its backends by it.
            env["ODOO_PGAPPNAME"] = appname
        return env

    def mailgate(self, raw, **kwargs):
        """Pipe ``raw`` into setup/mailgate.sh; (exit status, stdout, stderr)."""
        return self.finish(self.start_mailgate(raw, **kwargs))

    def start_mailgate(self, raw, **kwargs):
        with tempfile.TemporaryFile(dir=self.workdir) as mail_file:
            mail_file.write(raw)
            mail_file.seek(0)
            proc = subprocess.Popen(
                [str(MAILGATE)], stdin=mail_file, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=self._script_env(**kwargs),
                start_new_session=True,  # its own process group: the Python it runs is stopped with it
            )
        self.addCleanup(self._stop, proc)
        return proc

    @staticmethod
    def _stop(proc):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=30)
        proc.stdout.close()
        proc.stderr.close()

    def finish(self, proc):
        """(exit status, stdout, stderr) of a process started by ``start_mailgate``."""
        out, err = proc.communicate(timeout=TIMEOUT)
        return proc.returncode, out.decode(), err.decode(errors="replace")

    def example(self, msgid=None):
        """The README's example e-mail, under another Message-ID if given."""
        raw = EXAMPLE.read_bytes()
        if msgid:
            self.msgids.append(msgid)
            raw = raw.replace(EXAMPLE_MSGID.encode(), msgid.encode())
        return raw

    def connect(self):
        """A connection of our own to the test database (autocommit)."""
        _db, info = odoo.sql_db.connection_info_for(self.db)
        cnx = psycopg2.connect(**info)
        cnx.autocommit = True
        self.addCleanup(cnx.close)
        return cnx

    def lock_ticket_table(self):
        """Hold a lock that lets everyone read tickets but nobody create one, until the
        returned connection's transaction ends: a delivery stops just before its INSERT."""
        cnx = self.connect()
        cnx.autocommit = False
        with cnx.cursor() as cr:
            cr.execute("LOCK TABLE toperp_helpdesk_ticket IN EXCLUSIVE MODE")
        return cnx

    def wait_blocked(self, appnames, procs):
        """Wait until the PostgreSQL backend of each application name waits on a lock;
        returns {appname: (pid, lock type)}."""
        cnx = self.connect()
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            for proc in procs:
                if proc.poll() is not None:
                    code, out, err = self.finish(proc)
                    self.fail(f"mailgate ended ({code}) before reaching the lock: {out}\n{err[-3000:]}")
            with cnx.cursor() as cr:
                cr.execute(
                    """SELECT a.application_name, a.pid, l.locktype FROM pg_stat_activity a
                         JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
                        WHERE a.datname = %s AND a.application_name = ANY(%s)""",
                    [self.db, list(appnames)],
                )
                blocked = {name: (pid, locktype) for name, pid, locktype in cr.fetchall()}
            if len(blocked) == len(appnames):
                return blocked
            time.sleep(0.1)
        self.fail(f"the deliveries never reached the lock: {blocked}")

    def tickets_of(self, msgid):
        """Tickets holding an e-mail of this Message-ID, read from committed data."""
        with self.registry.cursor() as cr:
            env = self._env(cr)
            messages = env["mail.message"].search(
                [("message_id", "=", msgid), ("model", "=", "toperp.helpdesk.ticket")]
            )
            tickets = env["toperp.helpdesk.ticket"].browse(messages.mapped("res_id"))
            return [
                {"number": t.number, "name": t.name, "severity": t.severity_id.name, "channel": t.channel,
                 "missing": t.missing_info, "stage": t.stage_id.name, "messages": len(messages),
                 "email": t.partner_id.email}
                for t in tickets
            ]

    def mails_to_customer(self):
        """E-mails the SMTP sink received for the customer (subjects)."""
        found = []
        for raw in list(self.smtp.messages):
            msg = email.message_from_bytes(raw, policy=email.policy.default)
            if CUSTOMER in str(msg["To"]):
                found.append(str(msg["Subject"]))
        return found

    def acknowledgements(self, number):
        """E-mails the customer received about ticket ``number``."""
        return [subject for subject in self.mails_to_customer() if number in subject]

    def alias_status(self):
        with self.registry.cursor() as cr:
            return self._env(cr)["mail.alias"].browse(self.alias_state[0]).alias_status

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_example_email_then_duplicate(self):
        """README: the example e-mail opens a ticket and prints its summary; delivered
        twice, the second copy is rejected as a duplicate. Both exit 0."""
        code, out, err = self.mailgate(self.example())
        self.assertEqual(code, 0, f"{out}\n{err[-3000:]}")
        match = SUMMARY_RE.match(out.strip())
        self.assertTrue(match, f"summary line: {out!r}")
        tickets = self.tickets_of(EXAMPLE_MSGID)
        self.assertEqual(
            tickets,
            [{"number": match.group(1), "name": "Không đăng nhập được vào hệ thống", "severity": "Low",
              "channel": "email", "missing": "evidence", "stage": "Waiting for Customer", "messages": 1,
              "email": CUSTOMER}],
        )
        self.assertEqual(len(self.acknowledgements(match.group(1))), 1, "the customer got one acknowledgement")

        code, out, err = self.mailgate(self.example())
        self.assertEqual((code, out.strip()), (0, "rejected: duplicate"), err[-3000:])
        self.assertEqual(self.tickets_of(EXAMPLE_MSGID), tickets, "still one ticket, one e-mail")
        self.assertEqual(len(self.acknowledgements(match.group(1))), 1, "and no second acknowledgement")

    def test_database_unavailable_is_temporary(self):
        """No PostgreSQL listening, no such database, the connection lost in the middle
        of the transaction: exit 75 every time, nothing committed; the mail server's
        next attempt opens the ticket."""
        msgid = f"<mailgate-tempfail-{self.tag}@hoasen.vn>"
        raw = self.example(msgid)
        closed_port = harness.free_port()
        code, out, _err = self.mailgate(raw, conf=self._conf("down.conf", db_port=closed_port))
        self.assertEqual(code, EX_TEMPFAIL, out)
        self.assertIn("temporary failure", out)
        code, out, _err = self.mailgate(raw, db=f"{self.db}_missing_{self.tag}")
        self.assertEqual(code, EX_TEMPFAIL, out)
        self.assertIn("does not exist", out)

        # PostgreSQL drops the connection while the ticket is being created.
        mails_before = len(self.mails_to_customer())
        holder = self.lock_ticket_table()
        appname = f"toperp-mailgate-{self.tag}-down"
        proc = self.start_mailgate(raw, appname=appname)
        pid, _locktype = self.wait_blocked([appname], [proc])[appname]
        with self.connect().cursor() as cr:
            cr.execute("SELECT pg_terminate_backend(%s)", [pid])
        code, out, err = self.finish(proc)
        holder.rollback()
        self.assertEqual(code, EX_TEMPFAIL, f"{out}\n{err[-3000:]}")
        self.assertIn("temporary failure", out)
        self.assertEqual(self.tickets_of(msgid), [], "nothing of the message was committed")
        self.assertEqual(self.mails_to_customer()[mails_before:], [],
                         "no bounce to the customer: the message is not refused, it comes again")
        self.assertEqual(self.alias_status(), "valid", "the alias is not marked as misconfigured")

        code, out, err = self.mailgate(raw)
        self.assertEqual(code, 0, f"{out}\n{err[-3000:]}")
        self.assertTrue(SUMMARY_RE.match(out.strip()), out)
        self.assertEqual(len(self.tickets_of(msgid)), 1)

    def test_same_message_twice_at_once(self):
        """Two mail servers deliver the same message at the same instant: both
        deliveries are released together at the moment of creating the ticket; one
        ticket, one acknowledgement, the other delivery is a duplicate."""
        msgid = f"<mailgate-race-{self.tag}@hoasen.vn>"
        raw = self.example(msgid)
        holder = self.lock_ticket_table()
        appnames = [f"toperp-mailgate-{self.tag}-{i}" for i in (1, 2)]
        procs = [self.start_mailgate(raw, appname=name) for name in appnames]
        blocked = self.wait_blocked(appnames, procs)
        holder.rollback()
        results = [self.finish(proc) for proc in procs]
        for code, out, err in results:
            self.assertEqual(code, 0, f"{out}\n{err[-3000:]}")
        outputs = sorted(out.strip() for _code, out, _err in results)
        self.assertEqual(outputs[1], "rejected: duplicate", outputs)
        match = SUMMARY_RE.match(outputs[0])
        self.assertTrue(match, outputs)
        tickets = self.tickets_of(msgid)
        self.assertEqual([(t["number"], t["messages"]) for t in tickets], [(match.group(1), 1)],
                         "one ticket holding the e-mail once")
        self.assertEqual(len(self.acknowledgements(match.group(1))), 1)
        # How: one delivery held the Message-ID's lock and waited to create its ticket,
        # the other waited for that lock.
        self.assertEqual(sorted(locktype for _pid, locktype in blocked.values()), ["advisory", "relation"])

    def test_two_emails_of_one_customer_at_once(self):
        """One customer's two e-mails (two requests) arrive at the same instant: both
        new tickets update the customer's contact, one transaction fails on that
        concurrent update (serialization failure) and the script runs it again at once.
        Both open their ticket and exit 0: nothing is left for the mail server's next
        attempt, minutes later."""
        with self.registry.cursor() as cr:
            Partner = self._env(cr)["res.partner"]
            if not Partner.search_count([("email", "=", CUSTOMER)]):
                Partner.create({"name": "Trần Văn Nam", "email": CUSTOMER})
        msgids = [f"<mailgate-pair-{i}-{self.tag}@hoasen.vn>" for i in (1, 2)]
        holder = self.lock_ticket_table()
        appnames = [f"toperp-mailgate-{self.tag}-pair{i}" for i in (1, 2)]
        procs = [
            self.start_mailgate(self.example(msgid), appname=name)
            for msgid, name in zip(msgids, appnames, strict=True)
        ]
        self.wait_blocked(appnames, procs)
        holder.rollback()
        for proc in procs:
            code, out, err = self.finish(proc)
            self.assertEqual(code, 0, f"{out}\n{err[-3000:]}")
            self.assertTrue(SUMMARY_RE.match(out.strip()), out)
        tickets = [self.tickets_of(msgid) for msgid in msgids]
        self.assertEqual([len(found) for found in tickets], [1, 1])
        for found in tickets:
            self.assertEqual(len(self.acknowledgements(found[0]["number"])), 1)
