"""Benchmark: ticket creation through the mail gateway, ours vs OCA helpdesk vs a bare record.

    $VENV/bin/python tests/perf/bench_ticket_create.py -c <odoo.conf> -d <db> \
        [--count 200] [--rounds 3] [--warmup 10] [--profile FILE]

``<db>`` must have ``toperp_helpdesk`` installed (and ``toperp_helpdesk_sla`` when SLA
clocks should be part of the cost). It is left unchanged: every round runs in one
transaction that is rolled back. Beside it the script builds two throw-away databases,
dropped at the end:

- ``<db>_oca``: OCA's ``helpdesk_mgmt`` and ``helpdesk_mgmt_sla`` 18.0, installed from
  their PyPI wheels (``pip download --no-deps``, their ``odoo-addon-*`` requirements
  resolved here, unpacked into ``$TOPERP_CACHE_DIR/oca-addons``, a directory put on the
  addons path of that database's configuration only: nothing enters the virtualenv).
  A team with the ``support`` alias; when our SLA addon is installed, the team uses
  OCA's SLA with two SLA rules (in progress within 4 hours, done within 2 days).
- ``<db>_bare``: the baseline of DESIGN §6, Odoo's own ``test_mail`` addon and its
  ``mail.test.simple`` model, a record with nothing but ``name``, ``email_from`` and
  ``mail.thread``, created by an alias ``support`` (``alias_model_id`` =
  ``mail.test.simple``). No model of ``mail``/``resource`` is as bare and creatable by
  an alias without side effects (``res.partner`` has a heavy create, ``mail.blacklist``
  needs an e-mail field the gateway does not fill). It has its own database because
  ``test_mail`` has no place in ours; the baseline is thus plain Odoo, without our
  ``mail.thread`` override, whose cost counts as ours.

All three databases get the same alias domain ``toperp.vn`` (when ``<db>`` has none),
the same languages as ``<db>``, and the same 40 customer contacts (20 companies, senders
are known customers: nobody creates partners), inside each side's single transaction,
rolled back at the end. The messages are identical on each side (same Message-Id,
senders, Vietnamese subjects and bodies, a PNG screenshot on one in three, a colleague in
Cc on one in four) and go to ``support@<domain>``, each side's alias. Each message goes
through ``env["mail.thread"].message_process(None, raw)`` as the superuser (as
``setup/mailgate.sh`` does), then the transaction is flushed, precommit hooks (mail
tracking) run and the ORM cache is cleared, as a commit would; e-mails are queued, not
sent (``mail_notify_force_send=False``). Every message must create one record.

Each side runs in a process of its own (registry loaded, ``--warmup`` messages not
counted). The sides then take turns by chunks of ``--chunk`` messages, in a rotating
order, through ``--rounds`` rounds of ``--count`` messages (new Message-Ids each round),
so that the load of this shared machine weighs on every side alike. A side's time is the
sum over the messages of each message's best time over the rounds (load only ever adds
time). Prints exactly one line on stdout:

    BENCH ticket_create n=N rounds=R ratio_vs_oca=X ratio_vs_bare=Y ours_per_s=A oca_per_s=B bare_per_s=C \
        ours_queries=Q oca_queries=Q bare_queries=Q ack_job_ms=J ack_job_queries=Q \
        e2e_ratio_vs_oca=X e2e_ratio_vs_bare=Y

``ratio_vs_oca`` = our tickets per second through the gateway / OCA's (target ≥ 1),
``ratio_vs_bare`` = ours / bare records per second (DESIGN §6: ≥ 0.8), ``*_queries`` the
SQL queries per message (no noise: a change in them is a change in the work done). Our
gateway leaves the acknowledgement e-mail and the agent's assignment notice to the intake
job (a cron it wakes); after each chunk our side runs that job on the chunk's tickets,
timed apart: ``ack_job_ms`` per ticket, and ``e2e_ratio_vs_*`` the ratios with that work
counted as ours (neither OCA nor the bare record sends anything). ``--profile FILE`` writes
a cProfile of each side's timed messages to ``FILE.<side>`` and prints our top functions
on stderr.
Exit status 1 when a side fails.
"""

import argparse
import io
import json
import logging
import os
import shutil
import subprocess
import sys
import time
import zipfile
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from pathlib import Path

import common  # tests/perf/common.py: the script's directory is on sys.path

OCA_REQUIREMENTS = ["odoo-addon-helpdesk-mgmt==18.0.*", "odoo-addon-helpdesk-mgmt-sla==18.0.*"]
OCA_MODULES = ["helpdesk_mgmt", "helpdesk_mgmt_sla"]
BARE_MODULES = ["test_mail"]
SIDES = ["ours", "oca", "bare"]
ALIAS = "support"



# --- messages --------------------------------------------------------------------------

def customers():
    """20 companies with two contacts each: (company name, [(contact name, email)])."""
    result = []
    for company in range(20):
        contacts = []
        for person in range(2):
            seed = company * 2 + person
            name = f"{common.SURNAMES[seed % len(common.SURNAMES)]} {common.GIVEN[seed % len(common.GIVEN)]}"
            contacts.append((name, f"lienhe{person}@khach{company}.vn"))
        result.append((f"Công ty Khách hàng {company}", contacts))
    return result



def build_messages(tag, count, alias_address):
    """``count`` raw e-mails (bytes), identical for a given ``tag`` on every side."""
    png = common.screenshot_png()
    people = [(company, contact) for company, (_name, contacts) in enumerate(customers())
              for contact in contacts]
    date = datetime(2026, 11, 27, 3, 0, tzinfo=UTC)
    messages = []
    for index in range(count):
        company, (name, email) = people[index % len(people)]
        subject = common.SUBJECTS[index % len(common.SUBJECTS)]
        msg = EmailMessage()
        msg["Message-Id"] = f"<bench-{tag}-{index}@khach{company}.vn>"
        msg["Date"] = format_datetime(date)
        msg["From"] = formataddr((name, email))
        msg["To"] = alias_address
        if index % 4 == 1:
            # the other contact of the same company
            colleague, colleague_email = people[(index % len(people)) ^ 1][1]
            msg["Cc"] = formataddr((colleague, colleague_email))
        msg["Subject"] = f"{subject} (#{index})"
        body = common.BODY.format(subject=subject, number=1000 + index, company=company, name=name)
        msg.set_content(f"{subject}\nCác bước: Kế toán > Hóa đơn > Xác nhận.\n{name}")
        msg.add_alternative(body, subtype="html")
        if index % 3 == 0:
            msg.add_attachment(png, maintype="image", subtype="png", filename=f"loi-{index}.png")
        messages.append(msg.as_bytes())
    return messages


# --- one side, in its own process ------------------------------------------------------

def setup_side(env, side, with_sla):
    """Alias domain, the side's ``support`` alias and the customers; returns the alias
    address and the model records are created in."""
    domain = env["mail.alias.domain"].search([], limit=1)
    if not domain:
        domain = env["mail.alias.domain"].create({"name": common.DOMAIN})
    env.company.alias_domain_id = domain
    if side == "ours":
        model = "toperp.helpdesk.ticket"
        alias = env.ref("toperp_helpdesk.team_support").alias_id
        alias.write({"alias_domain_id": domain.id, "alias_contact": "everyone"})
    elif side == "oca":
        model = "helpdesk.ticket"
        env["mail.alias"].search([("alias_name", "=", ALIAS)]).alias_name = False
        team = env["helpdesk.ticket.team"].create({"name": "Support", "alias_name": ALIAS, "use_sla": with_sla})
        alias = team.alias_id
        alias.write({"alias_domain_id": domain.id, "alias_contact": "everyone"})
        if with_sla:
            stage = env["helpdesk.ticket.stage"]
            env["helpdesk.sla"].create([
                {"name": "First response", "team_ids": [(6, 0, team.ids)], "hours": 4,
                 "stage_id": stage.search([("name", "=", "In Progress")], limit=1).id},
                {"name": "Resolution", "team_ids": [(6, 0, team.ids)], "days": 2,
                 "stage_id": stage.search([("closed", "=", True)], limit=1).id},
            ])
    else:
        model = "mail.test.simple"
        env["mail.alias"].search([("alias_name", "=", ALIAS)]).alias_name = False
        alias = env["mail.alias"].create({
            "alias_name": ALIAS,
            "alias_model_id": env["ir.model"]._get_id(model),
            "alias_domain_id": domain.id,
            "alias_contact": "everyone",
        })
    lang = "vi_VN" if env["res.lang"]._lang_get("vi_VN") else "en_US"
    for company_name, contacts in customers():
        company = env["res.partner"].create({"name": company_name, "is_company": True, "lang": lang})
        env["res.partner"].create([
            {"name": name, "email": email, "parent_id": company.id, "lang": lang} for name, email in contacts
        ])
    return alias.alias_full_name, model


def run_side(args):
    """One side, driven over stdin/stdout by the orchestrator (one JSON line each way).

    Commands: ``{"tag": T, "start": A, "stop": B}`` feeds messages A..B-1 of the message
    set T and answers ``{"times": [seconds per message], "queries": SQL queries}``; ``{"quit": true}`` checks
    that every timed message created one record, rolls back and answers ``{"created": N}``.
    """
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn", "--logfile="],
                        setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing but answers on the pipe
    registry = Registry(args.database)
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {"mail_notify_force_send": False})
        address, model = setup_side(env, args.worker, args.sla)
        cr.flush()
        env.invalidate_all()
        gateway = env["mail.thread"]
        messages, ids = {}, []

        def feed(raw):
            begin = time.perf_counter()
            thread_id = gateway.message_process(None, raw)
            cr.flush()
            env.invalidate_all()
            return thread_id, time.perf_counter() - begin

        for raw in build_messages("warmup", args.warmup, address):
            feed(raw)
        if args.worker == "ours":
            while env["toperp.helpdesk.intake"]._cron_intake():
                pass
            cr.flush()
            env.invalidate_all()
        print(json.dumps({"ready": True}), file=out, flush=True)
        for line in sys.stdin:
            command = json.loads(line)
            if command.get("quit"):
                break
            tag = command["tag"]
            if tag not in messages:
                messages[tag] = build_messages(tag, args.count, address)
            times = []
            queries = cr.sql_log_count
            if profiler:
                profiler.enable()
            for raw in messages[tag][command["start"]:command["stop"]]:
                thread_id, seconds = feed(raw)
                ids.append(thread_id)
                times.append(seconds)
            if profiler:
                profiler.disable()
            answer = {"times": times, "queries": cr.sql_log_count - queries}
            if args.worker == "ours":
                # The intake job (cron) that the gateway woke: the acknowledgements and
                # assignment notices of this chunk, timed apart.
                queries = cr.sql_log_count
                begin = time.perf_counter()
                while env["toperp.helpdesk.intake"]._cron_intake():
                    pass
                cr.flush()
                env.invalidate_all()
                answer.update(job=time.perf_counter() - begin, job_queries=cr.sql_log_count - queries)
            print(json.dumps(answer), file=out, flush=True)
        created = len(env[model].browse([i for i in ids if i]).exists())
        if args.worker == "ours":
            pending = env["toperp.helpdesk.intake"].search_count([("ticket_id", "in", ids)])
            if pending:
                print(f"ours: {pending} tickets without acknowledgement", file=sys.stderr)
                created = -1
        cr.rollback()
    if profiler:
        profiler.dump_stats(args.profile)
    print(json.dumps({"created": created, "expected": len(ids)}), file=out, flush=True)
    return 0 if created == len(ids) else 1


# --- OCA wheels --------------------------------------------------------------------------

def wheel_requirements(wheel):
    """The ``odoo-addon-*`` requirements of a wheel (``odoo`` itself is ours)."""
    with zipfile.ZipFile(wheel) as archive:
        meta = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(meta).decode().splitlines()
    reqs = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Requires-Dist:")]
    return [r.split(";")[0].strip() for r in reqs if r.lower().startswith("odoo-addon")]


def fetch_oca_addons(requirements):
    """Download the OCA wheels (and the addon wheels they need) and unpack their
    addons into one directory, returned. Nothing is installed into the virtualenv."""
    root = common.cache_dir()
    wheels, addons = root / "oca-wheels", root / "oca-addons"
    wheels.mkdir(parents=True, exist_ok=True)
    addons.mkdir(parents=True, exist_ok=True)
    todo, seen = list(requirements), set()
    while todo:
        req = todo.pop()
        key = req.lower().replace("_", "-")
        if key in seen:
            continue
        seen.add(key)
        before = set(wheels.glob("*.whl"))
        cmd = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q", "download",
               "--no-deps", "--only-binary=:all:", "-d", str(wheels), req]
        proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if proc.returncode:
            raise RuntimeError(f"pip download {req} failed:\n{proc.stderr[-2000:]}")
        name = req.split("=")[0].split("<")[0].split(">")[0].strip().lower().replace("-", "_")
        candidates = [w for w in wheels.glob("*.whl") if w.name.lower().startswith(name + "-")]
        new = set(wheels.glob("*.whl")) - before
        wheel = max([w for w in candidates if w in new] or candidates, key=lambda w: w.stat().st_mtime)
        todo += wheel_requirements(wheel)
        with zipfile.ZipFile(wheel) as archive:
            members = [m for m in archive.namelist() if m.startswith("odoo/addons/")]
            for module in {m.split("/")[2] for m in members}:
                shutil.rmtree(addons / module, ignore_errors=True)
            for member in members:
                target = addons / member[len("odoo/addons/"):]
                if member.endswith("/"):
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.read(member))
    return addons


# --- orchestration -----------------------------------------------------------------------

class Worker:
    """A side's process: registry loaded and warmed up once, then fed chunks of messages."""

    def __init__(self, side, conf, db, args):
        self.side = side
        cmd = [sys.executable, __file__, "--worker", side, "-c", conf, "-d", db,
               "--count", str(args.count), "--warmup", str(args.warmup)]
        if args.sla:
            cmd.append("--sla")
        if args.profile:
            cmd += ["--profile", args.profile + "." + side]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def ask(self, command=None):
        if command is not None:
            self.proc.stdin.write(json.dumps(command) + "\n")
            self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError(f"the {self.side} side died (exit {self.proc.wait()})")
        return json.loads(line)

    def close(self):
        answer = self.ask({"quit": True})
        self.proc.wait()
        if answer["created"] != answer["expected"]:
            raise RuntimeError(f"{self.side}: {answer['created']} records created for "
                               f"{answer['expected']} messages")

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def measure(sides, args):
    """Seconds per message: {side: [[round 0 times], [round 1 times], ...]}.

    The sides take turns by chunks of ``--chunk`` messages, in an order that rotates, so
    that the load of the machine weighs on each side alike."""
    workers = {side: Worker(side, conf, db, args) for side, (conf, db) in sides.items()}
    try:
        for worker in workers.values():
            worker.ask()  # ready
        times = {side: [] for side in SIDES}
        queries = dict.fromkeys(SIDES, 0)
        job_times, job_queries = [], 0
        turn = 0
        for round_no in range(args.rounds):
            for side in SIDES:
                times[side].append([])
            job_times.append([])
            for start in range(0, args.count, args.chunk):
                stop = min(start + args.chunk, args.count)
                order = SIDES[turn % 3:] + SIDES[:turn % 3]
                turn += 1
                for side in order:
                    answer = workers[side].ask({"tag": str(round_no), "start": start, "stop": stop})
                    times[side][-1] += answer["times"]
                    queries[side] += answer["queries"]
                    if "job" in answer:
                        job_times[-1].append(answer["job"])
                        job_queries += answer["job_queries"]
            print(f"round {round_no}: " + " ".join(
                f"{side}={args.count / sum(times[side][-1]):.1f}/s" for side in SIDES), file=sys.stderr)
        for worker in workers.values():
            worker.close()
    finally:
        for worker in workers.values():
            worker.kill()
    per_message = args.count * args.rounds
    queries = {side: count / per_message for side, count in queries.items()}
    queries["job"] = job_queries / per_message
    return times, job_times, queries


def print_profile(path):
    import pstats

    out = io.StringIO()
    stats = pstats.Stats(path, stream=out)
    stats.sort_stats("cumulative").print_stats(40)
    stats.sort_stats("tottime").print_stats(25)
    print(out.getvalue(), file=sys.stderr)


def orchestrate(args):
    base_conf = args.config
    installed = set(common.psql(base_conf, args.database,
                                "select name from ir_module_module where state = 'installed'"))
    if "toperp_helpdesk" not in installed:
        print(f"toperp_helpdesk is not installed in {args.database}", file=sys.stderr)
        return 1
    args.sla = "toperp_helpdesk_sla" in installed
    languages = common.psql(base_conf, args.database,
                            "select code from res_lang where active and code != 'en_US'")
    workdir = Path(os.environ.get("TMPDIR", "/tmp"))
    oca_db, bare_db = f"{args.database}_oca", f"{args.database}_bare"
    confs = []
    try:
        addons = fetch_oca_addons(OCA_REQUIREMENTS)
        oca_conf = common.derived_conf(base_conf, oca_db, [addons], directory=workdir)
        bare_conf = common.derived_conf(base_conf, bare_db, directory=workdir)
        confs += [oca_conf, bare_conf]
        for conf, db, modules in ((oca_conf, oca_db, OCA_MODULES), (bare_conf, bare_db, BARE_MODULES)):
            if not (args.keep and common.has_modules(conf, db, modules)):
                common.create_db(conf, db, modules, languages)
        sides = {"ours": (base_conf, args.database), "oca": (oca_conf, oca_db), "bare": (bare_conf, bare_db)}
        times, job_times, queries = measure(sides, args)
    except RuntimeError as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            common.drop_db(base_conf, oca_db)
            common.drop_db(base_conf, bare_db)
        for conf in confs:
            Path(conf).unlink(missing_ok=True)
    # Each message's best time over the rounds: the machine's load only ever adds time.
    gateway = {side: sum(min(per_round) for per_round in zip(*times[side], strict=True)) for side in SIDES}
    ours, oca, bare = (args.count / gateway[side] for side in SIDES)
    # Our tickets end to end: the gateway plus the intake job's acknowledgements and
    # assignment notices (each chunk's best time over the rounds, like the messages).
    job = sum(min(per_round) for per_round in zip(*job_times, strict=True))
    ours_e2e = args.count / (gateway["ours"] + job)
    if args.profile:
        print_profile(args.profile + ".ours")
    print(f"BENCH ticket_create n={args.count} rounds={args.rounds} ratio_vs_oca={ours / oca:.2f} "
          f"ratio_vs_bare={ours / bare:.2f} ours_per_s={ours:.1f} oca_per_s={oca:.1f} bare_per_s={bare:.1f} "
          + " ".join(f"{side}_queries={queries[side]:.0f}" for side in SIDES)
          + f" ack_job_ms={1000 * job / args.count:.1f} ack_job_queries={queries['job']:.0f}"
          f" e2e_ratio_vs_oca={ours_e2e / oca:.2f} e2e_ratio_vs_bare={ours_e2e / bare:.2f}")
    return 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--count", type=int, default=200, help="timed messages per side and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--warmup", type=int, default=10)
    parser.add_argument("--chunk", type=int, default=10, help="messages per turn of a side")
    parser.add_argument("--profile", help="write a cProfile of our side (last round) to this file")
    parser.add_argument("--keep", action="store_true", help="keep the OCA and bare databases (and reuse kept ones)")
    # internal: one side in its own process
    parser.add_argument("--worker", choices=SIDES, help=argparse.SUPPRESS)
    parser.add_argument("--sla", action="store_true", help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.worker:
        return run_side(args)
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
