"""Scale-out: two Odoo application servers (prefork, a cron worker each) on one database.

Two real ``odoo-bin --workers 2 --max-cron-threads 1`` processes serve the test
database on two loopback ports, as two hosts behind a load balancer would. At the
same moment, alternating between the servers, we push:

* e-mails through the mail gateway (``mail.thread.message_process``, as
  ``odoo-mailgate.py`` does): new tickets and customer replies to existing ones;
* portal replies of logged-in customers (``/mail/message/post``, the portal chatter);
* agents' stage changes (``write`` through the external API), two agents writing
  different stages on the same ticket at once;
* manual runs of the SLA cron (``ir.cron.method_direct_trigger``) on both servers,
  while each server's own cron worker runs due jobs too.

Then, on committed data: no call failed, no ERROR in either server's log (Odoo's
retries on serialization failures are counted and printed), every e-mail and every
reply is there exactly once, the stored SLA state of each ticket is what its clocks
say, no clock ticks on a closed ticket, and each SLA warning and escalation was
logged exactly once.

The data lives in the test database, committed through a registry cursor of our
own, and is removed at the end (``_cleanup``).
"""

import logging
import random
import shutil
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from datetime import timedelta

import odoo
from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tests import new_test_user, tagged
from odoo.tests.common import BaseCase, get_db_name

from .scale import harness

_logger = logging.getLogger(__name__)

N_NEW_EMAILS = 30
N_REPLY_EMAILS = 10
N_TICKETS = 20  # existing tickets: SLA clocks, portal replies, stage changes
N_PORTAL_REPLIES = 20
N_STAGE_WRITES = 20
N_CRON_RUNS = 4
CLIENT_THREADS = 6
LOAD_TIMEOUT = 150  # seconds for the whole storm


@tagged("standard", "post_install", "-at_install")
class TestScaleOut(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.db = get_db_name()
        cls.registry = Registry(cls.db)
        cls.tag = uuid.uuid4().hex[:8]
        cls.ids = {}
        cls.addClassCleanup(cls._cleanup)
        cls._create_data()
        cls.workdir = tempfile.mkdtemp(prefix="toperp-scale-")
        cls.addClassCleanup(shutil.rmtree, cls.workdir, ignore_errors=True)
        cls.smtp = harness.SmtpSink().start()
        cls.addClassCleanup(cls.smtp.stop)
        conf = odoo.tools.config.rcfile
        cls.servers = [
            harness.OdooServer(f"server{i}", conf, cls.db, cls.workdir, cls.smtp.port) for i in (1, 2)
        ]
        for server in cls.servers:
            cls.addClassCleanup(server.stop)
            server.start()
        for server in cls.servers:
            server.wait_ready()

    # ------------------------------------------------------------------
    # Committed data (and its removal)
    # ------------------------------------------------------------------

    @classmethod
    def _env(cls, cr):
        return api.Environment(cr, SUPERUSER_ID, {"tz": "UTC"})

    @classmethod
    def _create_data(cls):
        tag = cls.tag
        # No SMTP from this process while we create the data (acknowledgements).
        current_test = odoo.modules.module.current_test
        odoo.modules.module.current_test = True
        try:
            with cls.registry.cursor() as cr:
                env = cls._env(cr)
                # No alias domain of our own: creating the first one would give it to the
                # company and every alias. The team's alias matches on its local part.
                cls.domain = f"scale-{tag}.example"
                users = {}
                users["operator"] = new_test_user(
                    env, login=f"scale_op_{tag}", name="Scale Operator", email=f"op@{cls.domain}",
                    groups="base.group_system,toperp_helpdesk.group_manager",
                )
                users["manager"] = new_test_user(
                    env, login=f"scale_mgr_{tag}", name="Scale Manager", email=f"mgr@{cls.domain}",
                    groups="toperp_helpdesk.group_manager",
                )
                for i in (1, 2):
                    users[f"agent{i}"] = new_test_user(
                        env, login=f"scale_agent{i}_{tag}", name=f"Scale Agent {i}", email=f"agent{i}@{cls.domain}",
                        groups="toperp_helpdesk.group_user",
                    )
                for i in range(4):
                    users[f"portal{i}"] = new_test_user(
                        env, login=f"scale_portal{i}_{tag}", name=f"Khách hàng {i} {tag}",
                        email=f"customer{i}@{tag}.example", groups="base.group_portal",
                    )
                cls.users = {key: (user.id, user.login) for key, user in users.items()}
                cls.ids["users"] = [user.id for user in users.values()]
                cls.ids["partners"] = [user.partner_id.id for user in users.values()]
                team = env["toperp.helpdesk.team"].create(
                    {
                        "name": f"Scale {tag}",
                        "alias_name": f"support-{tag}",
                        "alias_contact": "everyone",
                        "manager_id": users["manager"].id,
                        "member_ids": [(6, 0, (users["agent1"] | users["agent2"]).ids)],
                        "assign_method": "round_robin",  # the shared stages: none linked
                    }
                )
                cls.ids["team"] = team.id
                team.alias_id.alias_incoming_local = True
                cls.alias = f"support-{tag}@{cls.domain}"
                cls.stages = {
                    "progress": team._stage_in_progress().id,
                    "waiting": team._stage_waiting().id,
                    "solved": team._stage_solved().id,
                }
                # 24/7 policy of our own: deadlines follow real time exactly.
                policy = env["toperp.helpdesk.sla.policy"].create(
                    {
                        "name": f"Scale {tag}", "sequence": -1000, "team_ids": [(6, 0, team.ids)],
                        "warning_percent": 50.0, "first_response_hours": 2, "resolution_hours": 8,
                        "next_reply_hours": 2,
                    }
                )
                cls.ids["policy"] = policy.id
                # Existing tickets, arrived by e-mail (their Message-Id is what replies cite).
                Thread = env["mail.thread"]
                cls.ticket_msgids = []
                for i in range(N_TICKETS):
                    msgid = f"<scale-seed-{i}-{tag}@{tag}.example>"
                    Thread.message_process(None, cls._email(i % 4, f"Lỗi đồng bộ kho số {i}", msgid))
                    cls.ticket_msgids.append(msgid)
                # Their acknowledgements, as the intake job would send them: the servers
                # start with no backlog.
                while env["toperp.helpdesk.intake"]._cron_intake():
                    pass
                env["ir.cron.trigger"].search(
                    [("cron_id", "=", env.ref("toperp_helpdesk.ir_cron_ticket_intake").id)]
                ).unlink()
                tickets = env["toperp.helpdesk.ticket"].search([("team_id", "=", team.id)], order="id")
                assert len(tickets) == N_TICKETS, tickets
                tickets.write({"stage_id": cls.stages["progress"]})
                cls.ids["seed_tickets"] = tickets.ids
                # Clocks started in the past: half the first responses are overdue (the
                # cron escalates them), the other half are past their warning point.
                now = fields.Datetime.now()
                for i, ticket in enumerate(tickets):
                    statuses = ticket.sla_status_ids.filtered(lambda s: s.state == "running")
                    statuses.write({"date_start": now - timedelta(hours=3 if i < N_TICKETS // 2 else 1.5)})
                    statuses._sla_schedule()
                cr.commit()
        finally:
            odoo.modules.module.current_test = current_test

    @classmethod
    def _email(cls, customer, subject, msgid, in_reply_to=None, body=None):
        headers = [
            f'From: "Khách hàng {customer} {cls.tag}" <customer{customer}@{cls.tag}.example>',
            f"To: {cls.alias}",
            f"Subject: {subject}",
            f"Message-Id: {msgid}",
            "Date: Fri, 27 Nov 2026 10:00:00 +0700",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=utf-8",
            "Content-Transfer-Encoding: 8bit",
        ]
        if in_reply_to:
            headers += [f"In-Reply-To: {in_reply_to}", f"References: {in_reply_to}"]
        body = body or (
            "Vào menu Kho > Phiếu nhập, bấm Xác nhận thì hệ thống báo lỗi không lưu được.\n"
            f"Ảnh chụp màn hình: https://prnt.sc/{cls.tag}{abs(hash(msgid)) % 10000}\n"
        )
        return "\r\n".join(headers) + "\r\n\r\n" + body

    @classmethod
    def _cleanup(cls):
        if not cls.ids.get("team"):
            return
        with cls.registry.cursor() as cr:
            env = cls._env(cr)
            tickets = env["toperp.helpdesk.ticket"].with_context(active_test=False).search(
                [("team_id", "=", cls.ids["team"])]
            )
            env["mail.activity"].search([("res_model", "=", tickets._name), ("res_id", "in", tickets.ids)]).unlink()
            tickets.unlink()
            env["toperp.helpdesk.sla.policy"].browse(cls.ids["policy"]).exists().unlink()
            team = env["toperp.helpdesk.team"].browse(cls.ids["team"]).exists()
            env["mail.message"].search([("model", "=", team._name), ("res_id", "=", team.id)]).unlink()
            team.unlink()
            # Users keep their messages' authorship elsewhere: archive what cannot go.
            users = env["res.users"].browse(cls.ids["users"]).exists()
            try:
                with cr.savepoint():
                    users.unlink()
            except Exception:
                users.active = False
            partners = env["res.partner"].search(
                ["|", ("id", "in", cls.ids["partners"]), ("email", "=ilike", f"%@{cls.tag}.example")]
            )
            try:
                with cr.savepoint():
                    partners.unlink()
            except Exception:
                partners.active = False

    # ------------------------------------------------------------------
    # The storm
    # ------------------------------------------------------------------

    def _tasks(self):
        """(name, server, callable) for every concurrent call, alternating servers."""
        servers, db, tag = self.servers, self.db, self.tag
        op_uid, op_login = self.users["operator"]
        tickets = self.ids["seed_tickets"]
        tasks = []
        self.new_msgids = [f"<scale-new-{i}-{tag}@{tag}.example>" for i in range(N_NEW_EMAILS)]
        for i, msgid in enumerate(self.new_msgids):
            message = self._email(i % 4, f"Không xuất được báo cáo công nợ {i}", msgid)
            tasks.append((f"email-new-{i}", servers[i % 2], lambda s, m=message: harness.execute_kw(
                s, db, op_uid, op_login, "mail.thread", "message_process", [False, m])))
        self.reply_msgids = {}
        for i in range(N_REPLY_EMAILS):
            ticket_index = N_TICKETS // 2 + i % (N_TICKETS // 2)
            msgid = f"<scale-reply-{i}-{tag}@{tag}.example>"
            self.reply_msgids[msgid] = tickets[ticket_index]
            message = self._email(
                ticket_index % 4, f"Re: Lỗi đồng bộ kho số {ticket_index}", msgid,
                in_reply_to=self.ticket_msgids[ticket_index],
                body=f"Em bổ sung thông tin {msgid}: lỗi vẫn còn sau khi tải lại trang.\n",
            )
            tasks.append((f"email-reply-{i}", servers[(i + 1) % 2], lambda s, m=message: harness.execute_kw(
                s, db, op_uid, op_login, "mail.thread", "message_process", [False, m])))
        self.portal_bodies = {}
        for i in range(N_PORTAL_REPLIES):
            ticket_index = i % N_TICKETS
            body = f"Portal reply {i} {tag}: vẫn chưa được ạ."
            self.portal_bodies[body] = (tickets[ticket_index], ticket_index % 4)
            session = self.sessions[(ticket_index % 4, i % 2)]
            tasks.append((f"portal-{i}", servers[i % 2], lambda s, sess=session, t=tickets[ticket_index], b=body:
                          harness.jsonrpc(sess, f"{s.url}/mail/message/post", {
                              "thread_model": "toperp.helpdesk.ticket", "thread_id": t,
                              "post_data": {"body": b, "message_type": "comment",
                                            "subtype_xmlid": "mail.mt_comment"},
                          })))
        # Two agents move the same ticket at the same moment, on different servers.
        choices = [("waiting", "solved"), ("solved", "progress"), ("progress", "waiting")]
        for pair in range(N_STAGE_WRITES // 2):
            writes = [
                (servers[k], self.users[f"agent{k + 1}"], tickets[pair], self.stages[choices[pair % 3][k]])
                for k in (0, 1)
            ]
            tasks.append((f"stage-{pair}", None, lambda _s, w=writes: self._write_together(w)))
        for i in range(N_CRON_RUNS):
            tasks.append((f"cron-{i}", servers[i % 2], self._run_cron))
        random.Random(1127).shuffle(tasks)
        return tasks

    def _write_together(self, writes):
        """Each write in its own thread, released at the same instant."""
        barrier = threading.Barrier(len(writes), timeout=30)
        errors = []

        def write(server, user, ticket_id, stage_id):
            barrier.wait()
            try:
                harness.execute_kw(
                    server, self.db, user[0], user[1], "toperp.helpdesk.ticket", "write",
                    [[ticket_id], {"stage_id": stage_id}],
                )
            except Exception as error:
                errors.append(error)

        threads = [threading.Thread(target=write, args=args) for args in writes]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=90)
        if errors:
            raise errors[0]
        self.stage_writes += len(writes)

    def _run_cron(self, server):
        """'Run manually' as an operator would: refused while the job runs elsewhere
        (Odoo's lock on the ir.cron row), so retried after a short pause."""
        op_uid, op_login = self.users["operator"]
        for _attempt in range(60):
            try:
                return harness.execute_kw(
                    server, self.db, op_uid, op_login, "ir.cron", "method_direct_trigger", [[self.cron_id]]
                )
            except harness.RpcError as error:
                if "currently being executed" not in error.message:
                    raise
                self.cron_refusals += 1
                time.sleep(0.3)
        raise AssertionError("the SLA cron stayed locked for 18 s")

    def test_two_servers_one_database(self):
        started = time.monotonic()
        op_uid, op_login = self.users["operator"]
        with self.registry.cursor() as cr:
            self.cron_id = self._env(cr).ref("toperp_helpdesk_sla.ir_cron_sla_warnings").id
        self.cron_refusals = self.stage_writes = 0
        # Portal logins on both servers (sessions live in the shared data_dir).
        self.sessions = {}
        for i in range(4):
            uid, login = self.users[f"portal{i}"]
            for s in (0, 1):
                self.sessions[(i, s)] = harness.portal_session(self.servers[s], self.db, login, login)
        tasks = self._tasks()
        results, failures = Counter(), []

        def call(name, server, func):
            func(server)
            return name

        load_start = time.monotonic()
        with ThreadPoolExecutor(max_workers=CLIENT_THREADS) as pool:
            futures = {pool.submit(call, *task): task[0] for task in tasks}
            for future in as_completed(futures, timeout=LOAD_TIMEOUT):
                try:
                    future.result()
                    results[futures[future].rsplit("-", 1)[0]] += 1
                except Exception as error:
                    failures.append(f"{futures[future]}: {error}")
        load_seconds = time.monotonic() - load_start
        self.assertFalse(failures, "calls that failed:\n" + "\n".join(failures))

        # A last SLA run once the storm is over: nothing due may be left behind after it.
        final_run = fields.Datetime.now()
        self._run_cron(self.servers[0])
        # Acknowledgements are sent by the servers' intake job, woken by each e-mail:
        # give it the time to empty its queue before the servers stop.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with self.registry.cursor() as cr:
                cr.execute("SELECT count(*) FROM toperp_helpdesk_intake")
                if not cr.fetchone()[0]:
                    break
            time.sleep(0.5)

        for server in self.servers:
            server.stop()
        logs = {server.name: server.log() for server in self.servers}
        retries = {name: len(harness.LOG_RETRY.findall(text)) for name, text in logs.items()}
        errors, concurrency = [], 0
        for name, text in logs.items():
            found, retried = harness.log_errors(text)
            errors += [f"{name}: {line}" for line in found]
            concurrency += len(retried)
        gave_up = sum(len(harness.LOG_GAVE_UP.findall(text)) for text in logs.values())
        served = {name: text.count("/jsonrpc") + text.count("/mail/message/post") for name, text in logs.items()}
        print(
            f"\nBENCH scale_out calls={len(tasks)} load_s={load_seconds:.1f} total_s={time.monotonic() - started:.1f}"
            f" retries={sum(retries.values())} ({retries}) concurrency_errors={concurrency}"
            f" cron_refused={self.cron_refusals}"
            f" smtp_mails={len(self.smtp.messages)} served={served}"
        )
        self.assertFalse(errors, "ERROR lines in the servers' logs:\n" + "\n".join(errors[:20]))
        self.assertEqual(gave_up, 0, "a request gave up after Odoo's retries")
        self.assertTrue(all(served.values()), f"both servers served requests: {served}")
        self.assertEqual(
            dict(results),
            {"email-new": N_NEW_EMAILS, "email-reply": N_REPLY_EMAILS, "portal": N_PORTAL_REPLIES,
             "stage": N_STAGE_WRITES // 2, "cron": N_CRON_RUNS},
        )
        self.assertEqual(self.stage_writes, N_STAGE_WRITES)
        with self.registry.cursor() as cr:
            env = self._env(cr)
            self._check_no_lost_write(env)
            self._check_sla_consistent(env, final_run)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------

    def _check_no_lost_write(self, env):
        Ticket = env["toperp.helpdesk.ticket"]
        Message = env["mail.message"]
        tickets = Ticket.search([("team_id", "=", self.ids["team"])])
        new = tickets - Ticket.browse(self.ids["seed_tickets"])
        self.assertEqual(len(new), N_NEW_EMAILS, "every new e-mail opened exactly one ticket")
        for msgid in self.new_msgids:
            messages = Message.search([("message_id", "=", msgid)])
            self.assertEqual(len(messages), 1, msgid)
            self.assertEqual(messages.model, Ticket._name)
            self.assertIn(messages.res_id, new.ids)
        self.assertEqual(len(set(Message.search([("message_id", "in", self.new_msgids)]).mapped("res_id"))),
                         N_NEW_EMAILS, "no two e-mails landed in the same ticket")
        # Round-robin under concurrency: every ticket got an agent, both agents got work.
        load = Counter(ticket.user_id.id for ticket in new)
        self.assertEqual(len(load), 2, f"round-robin: {load}")
        self.assertEqual(sum(load.values()), N_NEW_EMAILS)
        self.assertEqual(len(set(tickets.mapped("number"))), len(tickets), "ticket numbers are unique")
        for msgid, ticket_id in self.reply_msgids.items():
            messages = Message.search([("message_id", "=", msgid)])
            self.assertEqual((len(messages), messages.res_id), (1, ticket_id), f"reply {msgid}")
        for body, (ticket_id, customer) in self.portal_bodies.items():
            messages = Message.search(
                [("model", "=", Ticket._name), ("res_id", "=", ticket_id), ("body", "ilike", body)]
            )
            self.assertEqual(len(messages), 1, body)
            self.assertEqual(messages.author_id.id, env["res.users"].browse(self.users[f"portal{customer}"][0])
                             .partner_id.id)
        # Whichever stage write committed last is the ticket's stage, and its tracking says so.
        for ticket in Ticket.browse(self.ids["seed_tickets"][: N_STAGE_WRITES // 2]):
            tracked = env["mail.tracking.value"].search(
                [("mail_message_id.model", "=", Ticket._name), ("mail_message_id.res_id", "=", ticket.id),
                 ("field_id.name", "=", "stage_id")], order="id desc", limit=1,
            )
            self.assertEqual(tracked.new_value_integer, ticket.stage_id.id, ticket.number)
        # Acknowledged exactly once, whatever came in at the same time.
        ack = env.ref("toperp_helpdesk.mail_template_ticket_ack")
        for ticket in tickets:
            subject = ack._render_field("subject", ticket.ids, compute_lang=True)[ticket.id]
            acks = Message.search_count(
                [("model", "=", Ticket._name), ("res_id", "=", ticket.id), ("message_type", "=", "auto_comment"),
                 ("subject", "=", subject)]
            )
            self.assertEqual(acks, 1, f"{ticket.number} acknowledged {acks} times")
            self.assertTrue(ticket.ack_sent, ticket.number)

    def _check_sla_consistent(self, env, final_run):
        Ticket = env["toperp.helpdesk.ticket"]
        tickets = Ticket.search([("team_id", "=", self.ids["team"])])
        self.assertTrue(tickets.sla_status_ids)
        notes = defaultdict(Counter)
        for message in env["mail.message"].search(
            [("model", "=", Ticket._name), ("res_id", "in", tickets.ids), ("message_type", "=", "notification"),
             "|", ("body", "ilike", "SLA warning:"), ("body", "ilike", "SLA breached:")]
        ):
            kind = "warning" if "SLA warning:" in message.body else "breach"
            for status_label in ("First Response", "Resolution", "Next Reply"):
                if f"{status_label} " in message.body:
                    notes[message.res_id][kind, status_label] += 1
        labels = {"first_response": "First Response", "resolution": "Resolution", "next_reply": "Next Reply"}
        escalated_total = warned_total = 0
        for ticket in tickets:
            statuses = ticket.sla_status_ids.filtered(lambda s: s.state != "cancelled")
            # The stored summary is what the clocks say.
            ticking = statuses.filtered(lambda s: s.state in ("running", "breached") and not s.reached_date)
            self.assertEqual(ticket.sla_deadline, min(ticking.mapped("deadline"), default=False), ticket.number)
            states = set(statuses.mapped("state"))
            running = statuses.filtered(lambda s: s.state == "running")
            expected = (
                "breached" if "breached" in states else "at_risk" if running.filtered("warned")
                else "on_track" if running else "paused" if "paused" in states
                else "met" if "met" in states else False
            )
            self.assertEqual(ticket.sla_state, expected, ticket.number)
            # The clocks follow the stage.
            if ticket.stage_id.is_closed:
                self.assertFalse(ticking, f"{ticket.number}: a clock ticks on a closed ticket")
                self.assertFalse(statuses.filtered(lambda s: s.state == "paused"), ticket.number)
            elif ticket.stage_id.pauses_sla:
                self.assertFalse(running, f"{ticket.number}: a clock runs while waiting on the customer")
            else:
                self.assertFalse(statuses.filtered(lambda s: s.state == "paused"), f"{ticket.number}: still paused")
            # Nothing due left behind, each warning and escalation exactly once.
            overdue = running.filtered(lambda s: s.next_check and s.next_check <= final_run)
            self.assertFalse(overdue, f"{ticket.number}: due clocks left unhandled")
            for target, label in labels.items():
                of_target = ticket.sla_status_ids.filtered(lambda s, t=target: s.target == t)
                escalated = len(of_target.filtered("escalated"))
                self.assertEqual(notes[ticket.id]["breach", label], escalated, f"{ticket.number} {label}")
                self.assertLessEqual(notes[ticket.id]["warning", label], len(of_target.filtered("warned")))
                escalated_total += escalated
                warned_total += notes[ticket.id]["warning", label]
            breach_activities = env["mail.activity"].search_count(
                [("res_model", "=", Ticket._name), ("res_id", "=", ticket.id),
                 ("activity_type_id", "=", env.ref("toperp_helpdesk_sla.mail_activity_type_sla_breach").id)]
            )
            self.assertEqual(breach_activities, len(ticket.sla_status_ids.filtered("escalated")), ticket.number)
        # The seeded clocks gave the cron real work: escalations and warnings happened.
        self.assertGreater(escalated_total, 0)
        self.assertGreater(warned_total, 0)
        print(f"BENCH scale_out_sla escalations={escalated_total} warnings={warned_total}")
