"""Faults: PostgreSQL crashing under the mail gateway and the SLA cron, and an SMTP
server refusing mail.

Everything runs against a PRIVATE PostgreSQL server started for this module
(``faults/pgcluster.py``: a temporary cluster on a free loopback port, never the
shared 5432) holding a database built by ``odoo-bin -i``; Odoo works in separate
processes (``faults/worker.py``) exactly as the mail spool command and the cron worker
do, and PostgreSQL is stopped with ``pg_ctl -m immediate`` (a crash: backends killed,
no checkpoint) while a worker is in the middle of a transaction, then started again.
E-mails go to a local SMTP server (``faults/smtp.py``) that accepts or refuses them.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import odoo
from odoo.tests import BaseCase, tagged

from .faults import pgcluster, smtp

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "faults" / "worker.py"
FIXTURES = REPO / "toperp_helpdesk" / "tests" / "fixtures"
ODOO_SRC = Path(os.environ.get("TOPERP_ODOO_SRC") or Path(odoo.__file__).resolve().parent.parent)
DB = "faults"
SUPPORT = "support@toperp.vn"
DB_DOWN = 3


def raw_email(fixture, msg_id, email_from, subject, extra=None):
    headers = "".join(f"{key}: {value}\n" for key, value in (extra or {}).items())
    return (FIXTURES / fixture).read_text(encoding="utf-8").format(
        email_from=email_from, to=SUPPORT, cc="", subject=subject, msg_id=msg_id, extra=headers,
        return_path=email_from.split("<")[-1].rstrip(">"),
    )


def reply_headers(msg_id):
    return {"In-Reply-To": msg_id, "References": msg_id}


@tagged("standard", "post_install", "-at_install")
class TestFaults(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tmp = Path(tempfile.mkdtemp(prefix="toperp-faults-"))
        cls.addClassCleanup(shutil.rmtree, cls.tmp, True)
        cls.smtp = smtp.SmtpResponder().start()
        cls.addClassCleanup(cls.smtp.stop)
        cls.pg = pgcluster.PrivatePostgres()
        cls.addClassCleanup(cls.pg.destroy)
        cls.pg.start()
        cls.conf = cls.tmp / "odoo.conf"
        cls.conf.write_text(
            "[options]\n"
            f"addons_path = {ODOO_SRC / 'odoo' / 'addons'},{ODOO_SRC / 'addons'},{REPO}\n"
            f"data_dir = {cls.tmp / 'data'}\n"
            f"db_host = 127.0.0.1\ndb_port = {cls.pg.port}\ndb_user = {cls.pg.user}\n"
            f"db_name = {DB}\ndbfilter = ^{DB}$\nlist_db = False\n"
            f"smtp_server = 127.0.0.1\nsmtp_port = {cls.smtp.port}\n"
            "email_from = notifications@toperp.vn\n"
            "log_level = warn\nmax_cron_threads = 0\n",
            encoding="utf-8",
        )
        install = subprocess.run(
            [sys.executable, str(ODOO_SRC / "odoo-bin"), "-c", str(cls.conf), "-d", DB,
             "-i", "toperp_helpdesk_sla", "--without-demo=all", "--stop-after-init"],
            capture_output=True, text=True, timeout=600, check=False,
        )
        installed = cls.pg.query(DB, "SELECT state FROM ir_module_module WHERE name = 'toperp_helpdesk_sla'")
        if installed != [("installed",)]:
            raise RuntimeError(f"the private database did not install:\n{install.stderr[-3000:]}")
        cls.worker("prepare")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @classmethod
    def worker_cmd(cls, *args):
        return [sys.executable, str(WORKER), "-c", str(cls.conf), "-d", DB, *map(str, args)]

    @classmethod
    def worker(cls, *args, expect=0, timeout=240):
        proc = subprocess.run(cls.worker_cmd(*args), capture_output=True, text=True, timeout=timeout, check=False)
        if proc.returncode != expect:
            raise AssertionError(
                f"worker {args} exited {proc.returncode}, expected {expect}:\n{proc.stdout}\n{proc.stderr[-4000:]}"
            )
        return json.loads(proc.stdout.strip().splitlines()[-1])

    def start_worker(self, *args):
        log = open(self.tmp / f"worker-{time.monotonic_ns()}.log", "w+", encoding="utf-8")
        self.addCleanup(log.close)
        proc = subprocess.Popen(self.worker_cmd(*args), stdout=log, stderr=subprocess.STDOUT, text=True)
        self.addCleanup(lambda: proc.poll() is None and (proc.kill(), proc.wait()))
        return proc, log

    def backend_of(self, proc, timeout=120):
        """The PostgreSQL backend (pid) of a worker process, once it has connected."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.assertIsNone(proc.poll(), "the worker ended before being interrupted")
            rows = self.pg.query(
                DB, "SELECT pid FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'", [DB]
            )
            if rows:
                return rows[0][0]
            time.sleep(0.1)
        raise AssertionError("the worker never reached the locked table")

    def crash_while_blocked(self, table, *worker_args):
        """Lock ``table`` and run the worker: it blocks in the middle of its transaction
        the moment it touches the table; then PostgreSQL crashes under it.
        Returns the tables the interrupted transaction had written to."""
        holder = self.pg.connect(DB, autocommit=False)
        with holder.cursor() as cr:
            cr.execute(f"LOCK TABLE {table} IN ACCESS EXCLUSIVE MODE")
        proc, log = self.start_worker(*worker_args)
        pid = self.backend_of(proc)
        written = self.pg.wait_for_lock_wait(DB, pid)
        self.pg.crash()
        code = proc.wait(timeout=120)
        log.seek(0)
        self.assertEqual(code, DB_DOWN, f"the worker reports the database as gone:\n{log.read()[-3000:]}")
        holder.close()
        self.pg.start()
        return written

    def rows(self, sql, params=None):
        return self.pg.query(DB, sql, params)

    def value(self, sql, params=None):
        return self.rows(sql, params)[0][0]

    # ------------------------------------------------------------------
    # Tests
    # ------------------------------------------------------------------

    def test_mail_ingestion_survives_postgres_crash(self):
        """Six e-mails in the spool (four new tickets, two replies); PostgreSQL crashes
        while the third (a new ticket with attachments from an unknown sender) is half
        processed: its ticket, message, attachments and contact are written but not
        committed. After the restart, the next run processes what is left: every e-mail
        gave exactly one ticket or one message, nothing was lost or half-written."""
        maildir = self.tmp / "spool"
        (maildir / "new").mkdir(parents=True)
        known = '"Nguyễn Văn An" <an.nguyen@hoasen.vn>'
        unknown = '"Đỗ Minh Khoa" <khoa.do@sonha.com.vn>'
        ids = {n: f"<faults-mail-{n}@mail.example.vn>" for n in range(1, 7)}
        mails = [
            ("plain_text.eml", known, "Không in được hóa đơn", None),
            ("plain_text.eml", known, "Re: Không in được hóa đơn", reply_headers(ids[1])),
            ("with_attachments.eml", unknown, "Lỗi xác nhận đơn bán hàng SO0042", None),
            ("html_only.eml", known, "Không lưu được phiếu nhập kho", None),
            ("plain_text.eml", unknown, "Re: Lỗi xác nhận đơn bán hàng SO0042", reply_headers(ids[3])),
            ("html_only.eml", known, "Lỗi đăng nhập", None),
        ]
        for n, (fixture, sender, subject, extra) in enumerate(mails, start=1):
            (maildir / "new" / f"17000000{n:02d}.M{n}.faults").write_text(
                raw_email(fixture, ids[n], sender, subject, extra), encoding="utf-8"
            )
        first = sorted((maildir / "new").iterdir())[0]
        first_copy = first.read_bytes()

        self.assertEqual(self.worker("ingest", maildir, "--limit", 2)["processed"], 2)
        # Waking the intake job (acknowledgement) is the last write of a new ticket: it
        # comes after the ticket, its message, attachments and contact are written.
        written = self.crash_while_blocked("ir_cron_trigger", "ingest", maildir)
        self.assertLessEqual(
            {"toperp_helpdesk_ticket", "mail_message", "ir_attachment", "res_partner"}, written,
            "the crash hit the e-mail in the middle of its transaction",
        )
        self.assertEqual(len(list((maildir / "new").iterdir())), 4, "the interrupted e-mail stays in the spool")
        self.assertEqual(self.value("SELECT count(*) FROM res_partner WHERE email = 'khoa.do@sonha.com.vn'"), 0)
        # A process killed after its commit but before removing the file: it comes again.
        first.write_bytes(first_copy)

        result = self.worker("ingest", maildir)
        self.assertEqual((result["left"], result["rejected"]), (0, 0))
        self.assertFalse(list((maildir / "new").iterdir()))

        msgs = {
            msg_id: (model, res_id)
            for msg_id, model, res_id in self.rows(
                "SELECT message_id, model, res_id FROM mail_message WHERE message_id LIKE '<faults-mail-%%'"
            )
        }
        counts = self.rows(
            "SELECT message_id, count(*) FROM mail_message WHERE message_id LIKE '<faults-mail-%%' GROUP BY 1"
        )
        self.assertEqual(dict(counts), {m: 1 for m in ids.values()}, "each e-mail once, none lost")
        tickets = {row[0]: row[1:] for row in self.rows(
            "SELECT t.id, t.name, p.email FROM toperp_helpdesk_ticket t JOIN res_partner p ON p.id = t.partner_id"
            " WHERE t.channel = 'email'")}
        self.assertEqual(len(tickets), 4, "four new tickets, the replies threaded into them")
        for n in (1, 3, 4, 6):
            model, res_id = msgs[ids[n]]
            self.assertEqual(model, "toperp.helpdesk.ticket")
            self.assertEqual(tickets[res_id][0], mails[n - 1][2])
        self.assertEqual(msgs[ids[2]], msgs[ids[1]], "the reply is on its ticket")
        self.assertEqual(msgs[ids[5]], msgs[ids[3]], "the reply is on its ticket")
        self.assertEqual(tickets[msgs[ids[3]][1]][1], "khoa.do@sonha.com.vn")
        self.assertEqual(self.value("SELECT count(*) FROM res_partner WHERE email = 'khoa.do@sonha.com.vn'"), 1)
        # The intake job acknowledges the new tickets; PostgreSQL crashes under it while
        # it queues the first acknowledgement e-mail, after the first chatter messages.
        written = self.crash_while_blocked("mail_mail", "cron")
        self.assertIn("mail_message", written, "the crash hit the intake job in the middle of its batch")
        self.assertEqual(self.value(
            "SELECT count(*) FROM mail_message WHERE message_type = 'auto_comment'"
            " AND model = 'toperp.helpdesk.ticket'"), 0)
        self.assertGreaterEqual(self.worker("cron")["runs"], 1)
        self.assertFalse(self.rows("SELECT id FROM toperp_helpdesk_intake"), "nothing left queued")
        self.worker("mailqueue")
        # Nothing half-written: each ticket has its e-mail and one acknowledgement, the
        # attachments exist once and belong to the ticket's message.
        self.assertFalse(self.rows(
            """SELECT t.id FROM toperp_helpdesk_ticket t WHERE NOT EXISTS (
                   SELECT 1 FROM mail_message m WHERE m.model = 'toperp.helpdesk.ticket'
                      AND m.res_id = t.id AND m.message_type = 'email')"""))
        acks = self.rows(
            """SELECT res_id, count(*) FROM mail_message WHERE model = 'toperp.helpdesk.ticket'
                  AND message_type = 'auto_comment' GROUP BY res_id""")
        self.assertEqual(dict(acks), {ticket_id: 1 for ticket_id in tickets}, "one acknowledgement per ticket")
        attachments = self.rows(
            """SELECT a.name, a.res_model, a.res_id, array_agg(r.message_id) FROM ir_attachment a
                 LEFT JOIN message_attachment_rel r ON r.attachment_id = a.id
                WHERE a.res_model = 'toperp.helpdesk.ticket' GROUP BY a.id ORDER BY a.name""")
        ticket3 = msgs[ids[3]][1]
        first_message3 = self.value("SELECT id FROM mail_message WHERE message_id = %s", [ids[3]])
        self.assertEqual(
            attachments,
            [("bien-ban.pdf", "toperp.helpdesk.ticket", ticket3, [first_message3]),
             ("loi-xac-nhan-don.png", "toperp.helpdesk.ticket", ticket3, [first_message3])],
        )
        self.assertFalse(self.rows(
            """SELECT a.id FROM ir_attachment a LEFT JOIN toperp_helpdesk_ticket t ON t.id = a.res_id
                WHERE a.res_model = 'toperp.helpdesk.ticket' AND t.id IS NULL"""), "no orphan attachment")
        # The acknowledgements went out, once each (the SMTP server accepts here).
        for email in ("an.nguyen@hoasen.vn", "khoa.do@sonha.com.vn"):
            expected = sum(1 for t in tickets.values() if t[1] == email)
            self.assertEqual(len(self.smtp.messages_to(email)), expected)

    def test_sla_cron_survives_postgres_crash(self):
        """60 due SLA clocks (30 breached, 30 past their warning), the cron in batches of
        25: PostgreSQL crashes in the middle of the second batch, after its clocks and
        chatter notes are written. After the restart the cron runs again: every warning
        and every escalation exists exactly once and no due clock is left."""
        setup = self.worker("sla-setup", "--tickets", 30, "--batch-size", 25)
        tickets = setup["ticket_ids"]
        self.assertEqual(self.worker("cron", "--runs", 1)["runs"], 1)
        done = self.value("SELECT count(*) FROM toperp_helpdesk_sla_status WHERE warned AND ticket_id = ANY(%s)",
                          [tickets])
        self.assertEqual(done, 25, "the first batch is committed")
        # The manager's digest ends an escalation: its notification comes after the
        # batch's chatter notes and activities are written.
        written = self.crash_while_blocked("mail_notification", "cron")
        self.assertLessEqual({"mail_message", "mail_activity"}, written,
                             "the crash hit the cron in the middle of a batch")
        self.assertEqual(
            self.value("SELECT count(*) FROM toperp_helpdesk_sla_status WHERE warned AND ticket_id = ANY(%s)",
                       [tickets]), 25, "the interrupted batch left nothing behind")

        self.assertGreaterEqual(self.worker("cron")["runs"], 2, "the rest takes two more batches")

        self.assertFalse(self.rows(
            """SELECT id FROM toperp_helpdesk_sla_status WHERE state = 'running'
                  AND next_check <= now() AT TIME ZONE 'UTC' AND ticket_id = ANY(%s)""", [tickets]),
            "no due clock left")
        states = self.rows(
            """SELECT target, state, warned, coalesce(escalated, false), count(*) FROM toperp_helpdesk_sla_status
                WHERE ticket_id = ANY(%s) GROUP BY 1, 2, 3, 4 ORDER BY 1""", [tickets])
        self.assertEqual(states, [("first_response", "breached", True, True, 30),
                                  ("resolution", "running", True, False, 30)])
        for xmlid, text in (("mail_activity_type_sla_warning", "SLA warning"),
                            ("mail_activity_type_sla_breach", "SLA breached")):
            activities = self.rows(
                """SELECT a.res_id, count(*) FROM mail_activity a JOIN ir_model_data d
                     ON d.res_id = a.activity_type_id AND d.model = 'mail.activity.type' AND d.name = %s
                    WHERE a.res_model = 'toperp.helpdesk.ticket' AND a.res_id = ANY(%s) GROUP BY 1""",
                [xmlid, tickets])
            self.assertEqual(dict(activities), {t: 1 for t in tickets}, f"one {xmlid} activity per ticket")
            notes = self.rows(
                """SELECT res_id, count(*) FROM mail_message WHERE model = 'toperp.helpdesk.ticket'
                      AND res_id = ANY(%s) AND body::text LIKE %s GROUP BY 1""", [tickets, f"%{text}%"])
            self.assertEqual(dict(notes), {t: 1 for t in tickets}, f"one '{text}' note per ticket")
        digests = [body for (body,) in self.rows(
            "SELECT body FROM mail_message WHERE model = 'toperp.helpdesk.team' AND res_id = %s",
            [setup["team_id"]])]
        numbers = [number for (number,) in self.rows(
            "SELECT number FROM toperp_helpdesk_ticket WHERE id = ANY(%s)", [tickets])]
        for number in numbers:
            self.assertEqual(sum(body.count(f">{number} ") for body in digests), 1,
                             f"{number} is in exactly one escalation digest")

    def test_refused_smtp_keeps_acknowledgement_queued(self):
        """The SMTP server refuses service (421), then refuses the recipient for now
        (451): the e-mail still opens its ticket and the acknowledgement waits in the
        queue; once the server accepts, the queue sends it, exactly once. An address the
        server refuses for good (550) is not retried."""
        maildir = self.tmp / "spool-smtp"
        (maildir / "new").mkdir(parents=True)
        customer = '"Trần Văn Bảo" <bao.tran@minhphat.vn>'
        (maildir / "new" / "1700000101.M1.faults").write_text(
            raw_email("plain_text.eml", "<faults-smtp-1@mail.example.vn>", customer, "Không xuất được báo cáo"),
            encoding="utf-8")
        (maildir / "new" / "1700000102.M2.faults").write_text(
            raw_email("plain_text.eml", "<faults-smtp-2@mail.example.vn>", '"Ai đó" <nobody@minhphat.vn>',
                      "Không mở được phiếu thu"), encoding="utf-8")
        self.smtp.set_mode("down")
        refused = self.smtp.refused
        self.assertEqual(self.worker("ingest", maildir)["processed"], 2)
        self.worker("cron")  # the intake job, woken by the gateway, queues the acknowledgements
        self.worker("mailqueue")  # the e-mail queue, woken by the intake job
        self.assertGreater(self.smtp.refused, refused, "Odoo tried to send the acknowledgement")

        # The acknowledgement e-mail sent to the customer (agents get their own copy).
        ack_sql = """SELECT m.state, t.number FROM mail_mail m JOIN mail_message mm ON mm.id = m.mail_message_id
                       JOIN toperp_helpdesk_ticket t ON t.id = mm.res_id
                       JOIN mail_mail_res_partner_rel r ON r.mail_mail_id = m.id
                       JOIN res_partner p ON p.id = r.res_partner_id
                      WHERE mm.model = 'toperp.helpdesk.ticket' AND mm.message_type = 'auto_comment'
                        AND p.email = %s"""
        (state, number), = self.rows(ack_sql, ["bao.tran@minhphat.vn"])
        self.assertIn(state, ("exception", "outgoing"), "the ticket exists, its acknowledgement waits")
        self.assertFalse(self.smtp.messages_to("bao.tran@minhphat.vn"))

        self.smtp.set_mode("tempfail")
        refused = self.smtp.refused
        self.worker("mailqueue")
        self.assertGreater(self.smtp.refused, refused, "the queue tried again")
        self.assertIn(self.rows(ack_sql, ["bao.tran@minhphat.vn"])[0][0], ("exception", "outgoing"))
        self.assertFalse(self.smtp.messages_to("bao.tran@minhphat.vn"))

        self.smtp.set_mode("accept")
        self.worker("mailqueue")
        self.worker("mailqueue")
        delivered = self.smtp.messages_to("bao.tran@minhphat.vn")
        self.assertEqual(len(delivered), 1, "the acknowledgement went out once the server accepted, once")
        self.assertIn(number, str(delivered[0]["Subject"]) + delivered[0].get_body(("plain", "html")).get_content())
        self.assertEqual(self.rows(ack_sql, ["bao.tran@minhphat.vn"])[0][0], "sent")
        nobody = self.rows(ack_sql, ["nobody@minhphat.vn"])
        self.assertEqual(nobody[0][0], "exception", "a mailbox refused for good stays failed")
        refused = self.smtp.refused
        self.worker("mailqueue")
        self.assertEqual(self.smtp.refused, refused, "and is not retried")
