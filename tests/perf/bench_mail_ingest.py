"""Benchmark: sustained e-mail ingestion through the mail gateway, committed per message.

    $VENV/bin/python tests/perf/bench_mail_ingest.py -c <odoo.conf> -d <db> \
        [--messages 300] [--warmup 10] [--reply-every 4]

``<db>`` must have ``toperp_helpdesk`` installed (with ``toperp_helpdesk_sla`` when the
SLA clocks should be part of the cost). In one process, each raw e-mail goes through
``env["mail.thread"].message_process(None, raw)`` as the superuser in a cursor of its own
that is committed, as ``setup/mailgate.sh`` (one XML-RPC call, one transaction per
message) and the incoming mail servers' fetch (a commit per message) do. E-mails that
Odoo would send (acknowledgements, assignment notifications) are queued for the mail
cron, not sent (``mail_notify_force_send=False``): the benchmark measures the gateway,
not an SMTP server.

The messages (Vietnamese subjects and bodies, senders among 40 known customer contacts
of 20 companies created for the run, a PNG screenshot on one in three new requests, a
colleague in Cc on one in four) go to the ``support`` alias of the default team; one in
``--reply-every`` is the customer's follow-up on one of their earlier tickets
(``In-Reply-To``/``References`` its first e-mail), which the gateway threads into that
ticket. ``--warmup`` messages first, not counted. Every new request must create one
ticket and every follow-up land in its ticket. At the end the run's tickets (their
messages, queued e-mails, clocks) and customers are deleted and the alias's settings
restored (``--keep-data`` keeps them); when the database had no alias domain, the
``toperp.vn`` one created for the run stays (Odoo gives it to every alias).
Prints exactly one line on stdout:

    BENCH mail_ingest messages=M per_second=X p95_ms=P p50_ms=Q queries=N new=A replies=B

``per_second`` = messages / total time of the timed messages (commits included),
``p95_ms``/``p50_ms`` per message, ``queries`` the median SQL queries per message.
Exit status 1 when a message went astray.
"""

import argparse
import logging
import os
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

import common  # tests/perf/common.py: the script's directory is on sys.path

import odoo
from odoo import api
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger("bench_mail_ingest")

REPLY = (
    "<p>Chào anh chị,</p><p>Lỗi vẫn còn sau khi chúng tôi thử lại lúc {hour}h. "
    "Chúng tôi gửi thêm thông tin: người dùng ketoan{number}, trình duyệt Chrome.</p><p>{name}</p>"
)


def contacts(tag):
    """20 companies with two contacts each: [(company index, name, email)]."""
    result = []
    for company in range(20):
        for person in range(2):
            seed = company * 2 + person
            name = f"{common.SURNAMES[seed % len(common.SURNAMES)]} {common.GIVEN[seed % len(common.GIVEN)]}"
            result.append((company, name, f"lienhe{person}.{tag}@khach{company}.vn"))
    return result



def build_messages(tag, count, alias_address, reply_every, start=0):
    """``count`` raw e-mails: [(kind, message id, parent message id or None, bytes)]."""
    png = common.screenshot_png()
    people = contacts(tag)
    date = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    messages = []
    firsts = []  # (message id, subject, person index) of the new requests so far
    for index in range(start, start + count):
        person = index % len(people)
        company, name, email = people[person]
        msg = EmailMessage()
        message_id = f"<ingest-{tag}-{index}@khach{company}.vn>"
        msg["Message-Id"] = message_id
        msg["Date"] = format_datetime(date + timedelta(minutes=index))
        msg["From"] = formataddr((name, email))
        msg["To"] = alias_address
        if reply_every and index % reply_every == reply_every - 1 and firsts:
            parent_id, subject, parent_person = firsts[(index * 7) % len(firsts)]
            company, name, email = people[parent_person]
            msg.replace_header("From", formataddr((name, email)))
            msg["Subject"] = f"Re: {subject}"
            msg["In-Reply-To"] = parent_id
            msg["References"] = parent_id
            msg.set_content(f"Lỗi vẫn còn.\n{name}")
            msg.add_alternative(REPLY.format(hour=8 + index % 9, number=index, name=name), subtype="html")
            messages.append(("reply", message_id, parent_id, msg.as_bytes()))
            continue
        subject = f"{common.SUBJECTS[index % len(common.SUBJECTS)]} (#{index})"
        if index % 4 == 1:
            colleague = people[person ^ 1]
            msg["Cc"] = formataddr((colleague[1], colleague[2]))
        msg["Subject"] = subject
        body = common.BODY.format(subject=subject, number=1000 + index, company=company, name=name)
        msg.set_content(f"{subject}\nCác bước: Kế toán > Hóa đơn > Xác nhận.\n{name}")
        msg.add_alternative(body, subtype="html")
        if index % 3 == 0:
            msg.add_attachment(png, maintype="image", subtype="png", filename=f"loi-{index}.png")
        firsts.append((message_id, subject, person))
        messages.append(("new", message_id, None, msg.as_bytes()))
    return messages


def setup(env, tag):
    """Alias domain (created when the database has none, and kept), the support alias
    open to everyone, the customers. Returns the alias address and what ``cleanup``
    restores or deletes."""
    undo = {"partner_ids": []}
    domain = env["mail.alias.domain"].search([], limit=1)
    if not domain:
        # Kept afterwards: Odoo gives the first alias domain to every alias and company.
        domain = env["mail.alias.domain"].create({"name": common.DOMAIN})
    if not env.company.alias_domain_id:
        env.company.alias_domain_id = domain
    alias = env.ref("toperp_helpdesk.team_support").alias_id
    undo["alias"] = (alias.id, alias.alias_domain_id.id, alias.alias_contact)
    alias.write({"alias_domain_id": domain.id, "alias_contact": "everyone"})
    lang = "vi_VN" if env["res.lang"]._lang_get("vi_VN") else "en_US"
    Partner = env["res.partner"].with_context(tracking_disable=True)
    companies = {}
    for company, name, email in contacts(tag):
        if company not in companies:
            companies[company] = Partner.create({"name": f"Công ty Khách hàng {company} {tag}",
                                                 "is_company": True, "lang": lang})
            undo["partner_ids"].append(companies[company].id)
        undo["partner_ids"].append(
            Partner.create({"name": name, "email": email, "parent_id": companies[company].id, "lang": lang}).id
        )
    return alias.alias_full_name, undo


def cleanup(registry, tag, undo):
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        messages = env["mail.message"].search([("message_id", "=like", f"<ingest-{tag}-%")])
        tickets = env["toperp.helpdesk.ticket"].with_context(active_test=False).search([
            ("id", "in", messages.filtered(lambda m: m.model == "toperp.helpdesk.ticket").mapped("res_id")),
        ])
        tickets.unlink()
        partners = env["res.partner"].browse(undo["partner_ids"]).exists()
        try:
            with cr.savepoint():
                partners.unlink()
        except Exception as error:
            _logger.warning("could not delete the benchmark's customers (%s): archiving them", error)
            partners.write({"active": False})
        alias_id, alias_domain_id, alias_contact = undo["alias"]
        env["mail.alias"].browse(alias_id).write({"alias_domain_id": alias_domain_id,
                                                   "alias_contact": alias_contact})


def ingest(registry, raw):
    """One message, one transaction, as the gateway does. Returns (thread id, seconds, queries)."""
    begin = time.perf_counter()
    with registry.cursor() as cr:  # commits on exit
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"mail_notify_force_send": False})
        thread_id = env["mail.thread"].message_process(None, raw)
        queries = cr.sql_log_count
    return thread_id, time.perf_counter() - begin, queries


def percentile(values, pct):
    values = sorted(values)
    rank = max(0, min(len(values) - 1, int(round(pct / 100 * len(values) + 0.5)) - 1))
    return values[rank]


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--messages", type=int, default=300, help="timed messages")
    parser.add_argument("--warmup", type=int, default=10, help="messages first, not timed")
    parser.add_argument("--reply-every", type=int, default=4, help="one message in N is a follow-up (0: none)")
    parser.add_argument("--keep-data", action="store_true", help="keep the tickets and customers")
    parser.add_argument("--profile", help="write a cProfile of the timed messages to this file")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    config.parse_config(["-c", args.config, "-d", args.database, "--logfile="], setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    logging.getLogger("bench_mail_ingest").setLevel(logging.INFO)
    registry = Registry(args.database)
    tag = f"m{os.getpid()}"
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        address, undo = setup(env, tag)
    messages = build_messages(tag, args.warmup + args.messages, address, args.reply_every)
    warmup, timed = messages[: args.warmup], messages[args.warmup:]
    threads, times, queries = {}, [], []
    profiler = None
    try:
        for _kind, message_id, _parent, raw in warmup:
            threads[message_id] = ingest(registry, raw)[0]
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        for _kind, message_id, _parent, raw in timed:
            thread_id, seconds, count = ingest(registry, raw)
            threads[message_id] = thread_id
            times.append(seconds)
            queries.append(count)
        if profiler:
            profiler.disable()
            profiler.dump_stats(args.profile)
        # Check: one ticket per new request, every follow-up in its ticket.
        astray = 0
        with registry.cursor() as cr:
            env = api.Environment(cr, odoo.SUPERUSER_ID, {})
            Message = env["mail.message"]
            for kind, message_id, parent, _raw in messages:
                stored = Message.search([("message_id", "=", message_id)], limit=1)
                expected = threads[message_id] if kind == "new" else threads.get(parent)
                if (not stored or stored.model != "toperp.helpdesk.ticket" or not expected
                        or stored.res_id != expected):
                    astray += 1
            new_ids = {threads[m[1]] for m in messages if m[0] == "new"}
            if len(new_ids) != sum(1 for m in messages if m[0] == "new"):
                astray += 1
    finally:
        if not args.keep_data:
            cleanup(registry, tag, undo)
    if profiler:
        import pstats

        pstats.Stats(args.profile, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
    total = sum(times)
    new = sum(1 for m in timed if m[0] == "new")
    if astray:
        _logger.warning("%d message(s) went astray", astray)
    print(
        f"BENCH mail_ingest messages={len(times)} per_second={len(times) / total:.1f} "
        f"p95_ms={percentile(times, 95) * 1000:.0f} p50_ms={percentile(times, 50) * 1000:.0f} "
        f"queries={statistics.median(queries):.0f} new={new} replies={len(timed) - new}"
    )
    return 1 if astray else 0


if __name__ == "__main__":
    sys.exit(main())
