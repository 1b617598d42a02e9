"""Benchmark: what agents wait for in the backend, 1 000 000 tickets, ours vs OCA helpdesk_mgmt.

    $VENV/bin/python tests/perf/bench_backend.py -c <odoo.conf> -d <db> \
        [--tickets 1000000] [--open-share 0.02] [--rounds 10] [--keep]

``<db>`` must have our addons installed; it is left unchanged. The script builds two
throw-away databases beside it, dropped at the end (``--keep`` keeps and reuses them when
they hold ``--tickets`` tickets):

- ``<db>_backend``: a copy of ``<db>`` (``createdb --template``, its filestore copied);
- ``<db>_backend_oca``: OCA's ``helpdesk_mgmt`` + ``helpdesk_mgmt_sla`` 18.0 from their PyPI
  wheels, exactly as ``bench_ticket_create.py`` fetches them (nothing enters the virtualenv).

Each gets the same data, bulk-inserted by SQL (``backend_data.py``: customers, 20 agents in
4 teams, ``--tickets`` tickets over three years, ``--open-share`` of them open, two SLA
clocks per ticket, five messages on each recent ticket), then ``VACUUM ANALYZE``. Then one
``odoo-bin`` per side (prefork, one worker, ``--log-handler werkzeug:INFO``: each request
logged with its SQL query count and time), both running at once, and a client logged in
as the same agent on each (``/web/session/authenticate``, Vietnamese, Asia/Ho_Chi_Minh)
sends what the web client sends (``/web/dataset/call_kw``, specifications built from the
views ``get_views`` returns, as ``getFieldsSpec`` does):

- ``queue_list``: the Tickets menu's list with the Open filter (ours: the action's default;
  OCA: their Open filter, their default being every ticket): ``web_search_read`` of the first
  80 in the default order (ours: severity, SLA deadline; OCA: priority, sequence, number)
  with the pager's count (``count_limit`` 10 001);
- ``kanban``: the same domain grouped by stage: ``web_read_group``, ``read_progress_bar`` and
  the first column's ``web_search_read`` (40 cards);
- ``search_number`` / ``search_title`` / ``search_customer``: the search view's Ticket field
  with a ticket number, with a product's name (1 % of the titles), and its Customer field
  (OCA: Contact) with a company's name, over every ticket (the Open filter removed);
- ``form``: ``web_read`` of a ticket of the queue with the form's specification;
- ``chatter``: its ``/mail/thread/messages``;
- ``breaching_soon``: Open + ours "Breaching Soon" (OCA: "SLA Expired", the nearest);
- ``my_tickets``: Open + "My Tickets";
- ``sla_cron`` (ours only, OCA has none: its SLA state is computed when read): our SLA cron
  with the open tickets' clocks, 1 % of them due (half for a warning, half for a breach),
  in a transaction rolled back.

The sides alternate operation by operation, over ``--rounds`` rounds (after one not counted).
An operation's time is its requests' server time from Odoo's log (SQL + the rest), summed;
its queries likewise. One line per operation on stdout:

    BENCH backend op=queue_list tickets=N p50_ms=A p95_ms=B queries=Q oca_p50_ms=C oca_p95_ms=D
        oca_queries=R ratio_vs_oca=X rows=80 count=K

``ratio_vs_oca`` = OCA's p50 / ours (> 1: ours faster). Targets (issue 16): p95 ≤ 100 ms,
ratio ≥ 1.5, queries the same at 100 000 and 1 000 000 tickets, SLA cron ≤ 2 s.
"""

import argparse
import ast
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from xml.etree import ElementTree

import backend_data
import common  # tests/perf/common.py: the script's directory is on sys.path
import requests
from bench_portal_load import Server, percentile, server_times
from bench_ticket_create import OCA_MODULES, OCA_REQUIREMENTS, fetch_oca_addons

_logger = logging.getLogger("bench_backend")

SIDES = ["ours", "oca"]
MODEL = {"ours": "toperp.helpdesk.ticket", "oca": "helpdesk.ticket"}
ACTION = {"ours": "toperp_helpdesk.toperp_helpdesk_ticket_action", "oca": "helpdesk_mgmt.helpdesk_ticket_action"}
# The search view's filters and fields each operation uses, per side.
FILTERS = {
    "ours": {"open": "open", "my": "my_tickets", "breaching": "sla_breaching_soon"},
    "oca": {"open": "open", "my": "mytickets", "breaching": "sla_expired"},
}
SEARCH_FIELDS = {
    "ours": {"ticket": "name", "customer": "partner_id"},
    "oca": {"ticket": "number", "customer": "partner_id"},
}
LIST_LIMIT, KANBAN_LIMIT, X2MANY_LIMIT, COUNT_LIMIT, GROUPS_LIMIT = 80, 40, 40, 10001, 80
ACTIVITY_DEPS = {
    "activity_exception_decoration": {}, "activity_exception_icon": {}, "activity_state": {},
    "activity_summary": {}, "activity_type_icon": {}, "activity_type_id": {"fields": {"display_name": {}}},
}
# Fields web client widgets add to a view's fields (their fieldDependencies).
WIDGET_DEPS = {
    "list_activity": ACTIVITY_DEPS,
    "kanban_activity": ACTIVITY_DEPS,
    "statusbar_duration": {"duration_tracking": {}},
    "image": {"write_date": {}},
}
OPS = ["queue_list", "kanban", "search_number", "search_title", "search_customer", "form", "chatter",
       "breaching_soon", "my_tickets"]


# --- specifications, as the web client builds them --------------------------------------

def parse_options(text):
    if not text:
        return {}
    try:
        return ast.literal_eval(text.replace("true", "True").replace("false", "False"))
    except (ValueError, SyntaxError):
        return {}


def field_nodes(node):
    """The ``<field>`` nodes of a view, not those of an x2many's sub-view."""
    for child in node:
        if child.tag == "field":
            yield child
        else:
            yield from field_nodes(child)


def always_invisible(node):
    return any(node.get(attr) in ("True", "1") for attr in ("invisible", "column_invisible"))


def view_spec(arch_node, fields, models):
    """``getFieldsSpec`` of a view: {field: spec} for the fields of ``arch_node``."""
    by_name = {}
    for node in field_nodes(arch_node):
        by_name.setdefault(node.get("name"), []).append(node)
    spec = {}
    for name, nodes in by_name.items():
        info = fields.get(name)
        if not info:
            continue
        invisible = all(always_invisible(node) for node in nodes)
        entry = {}
        kind = info["type"]
        if kind in ("many2one", "reference"):
            entry["fields"] = {} if invisible else {"display_name": {}}
        elif kind in ("one2many", "many2many") and not invisible:
            for node in nodes:
                sub = next((child for child in node if child.tag in ("list", "kanban")), None)
                options = parse_options(node.get("options"))
                if sub is not None:
                    relation = models.get(info["relation"], {}).get("fields", {})
                    entry = {"fields": view_spec(sub, relation, models), "limit": X2MANY_LIMIT}
                    if sub.get("default_order"):
                        entry["order"] = sub.get("default_order")
                    break
                if node.get("widget") == "many2many_tags":
                    entry = {"fields": {"display_name": {}}}
                    if options.get("color_field"):
                        entry["fields"][options["color_field"]] = {}
                    break
        spec[name] = entry
        for node in nodes:
            for dep, dep_spec in WIDGET_DEPS.get(node.get("widget"), {}).items():
                spec.setdefault(dep, dep_spec)
    return spec


def eval_domain(text, values):
    from odoo.tools.safe_eval import datetime as safe_datetime
    from odoo.tools.safe_eval import safe_eval

    context = {"datetime": safe_datetime, "context_today": lambda: safe_datetime.date.today(), **values}
    return safe_eval(text, context)


# --- one side's client ---------------------------------------------------------------------

class Client:
    """A ``requests`` session logged in as the agent, sending JSON-RPC as the web client."""

    def __init__(self, side, server, db):
        self.side, self.server, self.model = side, server, MODEL[side]
        self.session = requests.Session()
        self.counter = 0
        result = self.rpc("/web/session/authenticate", {
            "db": db, "login": backend_data.AGENT_LOGIN, "password": backend_data.PASSWORD,
        })
        self.uid = result["uid"]
        context = result["user_context"]
        self.context = {**context, "allowed_company_ids": [result["user_companies"]["current_company"]]}

    def rpc(self, path, params, tag=None):
        self.counter += 1
        url = self.server.url + path + (f"?bench={tag}" if tag else "")
        answer = self.session.post(url, json={"jsonrpc": "2.0", "method": "call", "id": self.counter,
                                              "params": params}, timeout=300)
        answer.raise_for_status()
        data = answer.json()
        if "error" in data:
            raise RuntimeError(f"{self.side} {path}: {data['error']['data'].get('message', data['error'])}")
        return data["result"]

    def call(self, method, args, kwargs, tag=None, model=None):
        model = model or self.model
        return self.rpc(f"/web/dataset/call_kw/{model}/{method}",
                        {"model": model, "method": method, "args": args, "kwargs": kwargs}, tag)

    def load_views(self):
        """What opening the Tickets menu loads: the action, its views, the search view."""
        action = self.rpc("/web/action/load", {"action_id": ACTION[self.side]})
        self.action_context = eval_domain(action.get("context") or "{}", {"uid": self.uid})
        self.action_domain = eval_domain(action.get("domain") or "[]", {"uid": self.uid})
        context = {**self.context, **self.action_context}
        views = self.call("get_views", [], {
            "views": [[False, "list"], [False, "kanban"], [False, "form"], [False, "search"]],
            "options": {"action_id": action["id"], "load_filters": True, "toolbar": True},
            "context": context,
        })
        models = views["models"]
        fields = models[self.model]["fields"]
        self.fields = fields
        arch = {kind: ElementTree.fromstring(views["views"][kind]["arch"]) for kind in ("list", "kanban", "form")}
        self.list_spec = view_spec(arch["list"], fields, models)
        self.kanban_spec = view_spec(arch["kanban"], fields, models)
        self.form_spec = view_spec(arch["form"], fields, models)
        self.form_spec.setdefault("display_name", {})  # the breadcrumb (form_controller.js)
        kanban = arch["kanban"]
        self.kanban_group_by = kanban.get("default_group_by")
        progress = kanban.find(".//progressbar")
        self.progressbar = None if progress is None else {
            "field": progress.get("field"), "colors": json.loads(progress.get("colors").replace("'", '"')),
        }
        self.aggregates = [
            f"{name}:{fields[name]['aggregator']}" for name in self.kanban_spec
            if fields.get(name, {}).get("aggregator") and name != self.kanban_group_by
        ]
        search = ElementTree.fromstring(views["views"]["search"]["arch"])
        values = {"uid": self.uid}
        self.filters = {node.get("name"): eval_domain(node.get("domain"), values)
                        for node in search.iter("filter") if node.get("domain")}
        self.search_fields = {node.get("name"): node for node in search.iter("field")}

    def filter_domain(self, *keys):
        domain = list(self.action_domain)
        for key in keys:
            domain = ["&", *domain, *self.filters[FILTERS[self.side][key]]] if domain else \
                list(self.filters[FILTERS[self.side][key]])
        return domain

    def search_domain(self, field_key, text):
        node = self.search_fields[SEARCH_FIELDS[self.side][field_key]]
        if node.get("filter_domain"):
            domain = eval_domain(node.get("filter_domain"), {"self": text, "raw_value": text})
        else:
            domain = [(node.get("name"), "ilike", text)]
        return ["&", *self.action_domain, *domain] if self.action_domain else domain

    def context_for(self, **extra):
        return {**self.context, **self.action_context, **extra}

    # -- operations: each returns the list of its request tags and a result summary ------

    def list_read(self, domain, tag):
        result = self.call("web_search_read", [], {
            "domain": domain, "specification": self.list_spec, "offset": 0, "limit": LIST_LIMIT, "order": "",
            "count_limit": COUNT_LIMIT, "context": self.context_for(bin_size=True),
        }, tag)
        return result

    def op(self, name, tag, ticket_ids=None):
        if name == "queue_list":
            return self.list_read(self.filter_domain("open"), tag)
        if name == "breaching_soon":
            return self.list_read(self.filter_domain("open", "breaching"), tag)
        if name == "my_tickets":
            return self.list_read(self.filter_domain("open", "my"), tag)
        if name == "search_number":
            return self.list_read(self.search_domain("ticket", self.number), tag)
        if name == "search_title":
            return self.list_read(self.search_domain("ticket", backend_data.SEARCH_WORD), tag)
        if name == "search_customer":
            return self.list_read(self.search_domain("customer", backend_data.SEARCH_CUSTOMER), tag)
        if name == "kanban":
            domain = self.filter_domain("open")
            context = self.context_for()
            groups = self.call("web_read_group", [], {
                "domain": domain, "fields": self.aggregates, "groupby": [self.kanban_group_by], "orderby": "",
                "lazy": True, "offset": 0, "limit": GROUPS_LIMIT, "context": context,
            }, tag + "-groups")
            if self.progressbar:
                self.call("read_progress_bar", [], {
                    "domain": domain, "group_by": self.kanban_group_by, "progress_bar": self.progressbar,
                    "context": context,
                }, tag + "-progress")
            first = next(g for g in groups["groups"] if not g.get("__fold") and g[f"{self.kanban_group_by}_count"])
            column = self.call("web_search_read", [], {
                # The group's own domain (the search's and the column's), as the web client
                # sends it (relational_model.js: groupConfig.list.domain = group.domain).
                "domain": first["__domain"],
                "specification": self.kanban_spec, "offset": 0, "limit": KANBAN_LIMIT, "order": "",
                "count_limit": COUNT_LIMIT, "context": {**context, "bin_size": True,
                                                        f"default_{self.kanban_group_by}": first[
                                                            self.kanban_group_by][0]},
            }, tag + "-column")
            return {"length": groups["length"], "column": len(column["records"])}
        if name == "form":
            return self.call("web_read", [ticket_ids[:1]], {
                "specification": self.form_spec, "context": self.context_for(bin_size=True),
            }, tag)
        if name == "chatter":
            return self.rpc("/mail/thread/messages", {
                "thread_model": self.model, "thread_id": ticket_ids[0], "limit": 30,
            }, tag)
        raise ValueError(name)


# --- databases -----------------------------------------------------------------------------

def data_dir(conf):
    return Path(common.read_conf(conf)["options"].get("data_dir") or Path.home() / ".local/share/Odoo")


def tickets_in(conf, db):
    try:
        rows = common.psql(conf, db, "select value from ir_config_parameter where key = 'bench_backend.tickets'")
    except subprocess.CalledProcessError:
        return None
    return int(rows[0]) if rows else None


def copy_db(conf, source, target):
    common.drop_db(conf, target)
    subprocess.run(["createdb", "-T", source, target], env=common.pg_env(conf), check=True)
    store = data_dir(conf) / "filestore"
    if (store / source).is_dir():
        shutil.rmtree(store / target, ignore_errors=True)
        shutil.copytree(store / source, store / target)


def vacuum(conf, db):
    subprocess.run(["psql", "-q", "-d", db, "-c", "VACUUM ANALYZE"], env=common.pg_env(conf), check=True)


def worker_process(args, mode, side, conf, db):
    """Run this script as a worker (``--worker``) in the side's database; returns its JSON answer."""
    cmd = [sys.executable, __file__, "--worker", mode, "--side", side, "-c", conf, "-d", db,
           "--tickets", str(args.tickets), "--open-share", str(args.open_share)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    sys.stderr.write("".join(line + "\n" for line in proc.stderr.splitlines()
                             if " bench_backend" in line or "Traceback" in line or "Error" in line))
    if proc.returncode:
        raise RuntimeError(f"{mode} {side} failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def run_worker(args):
    """In the side's database: ``populate`` (commit the data) or ``cron`` (time our SLA cron)."""
    import odoo
    from odoo import api
    from odoo.modules.registry import Registry
    from odoo.tools import config

    config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn", "--logfile="],
                        setup_logging=True)
    logging.getLogger("odoo").setLevel(logging.WARNING)
    _logger.setLevel(logging.INFO)
    registry = Registry(args.database)
    open_count = round(args.tickets * args.open_share)
    with registry.cursor() as cr:
        env = api.Environment(cr, odoo.SUPERUSER_ID, {})
        if args.worker == "populate":
            result = backend_data.populate(env, args.side, args.tickets, open_count, _logger.info)
        else:
            result = time_sla_cron(env)
    print(json.dumps(result))
    return 0


def make_due(cr, half):
    """Make ``half`` clocks due for a warning (warning time just passed) and ``half`` for
    escalation (warned, deadline just passed): the running clocks nearest their next check."""
    from odoo.tools import SQL

    cr.execute(SQL(
        """
        WITH w AS (SELECT id FROM toperp_helpdesk_sla_status
                    WHERE state = 'running' AND NOT warned AND next_check IS NOT NULL
                    ORDER BY next_check, id LIMIT %(half)s),
             b AS (SELECT id FROM toperp_helpdesk_sla_status
                    WHERE state = 'running' AND warned AND next_check IS NOT NULL
                    ORDER BY next_check, id LIMIT %(half)s),
             uw AS (UPDATE toperp_helpdesk_sla_status s
                       SET warning_date = now() at time zone 'UTC' - interval '1 minute',
                           next_check = now() at time zone 'UTC' - interval '1 minute'
                      FROM w WHERE s.id = w.id RETURNING s.id)
        UPDATE toperp_helpdesk_sla_status s
           SET deadline = now() at time zone 'UTC' - interval '1 minute',
               next_check = now() at time zone 'UTC' - interval '1 minute'
          FROM b WHERE s.id = b.id
        """,
        half=half,
    ))


def time_sla_cron(env):
    """Our SLA cron with the open tickets' clocks, 1 % of them due; rolled back. A first
    run on two clocks warms the process up (translations, e-mail templates), as in a
    server's cron worker."""
    cr = env.cr
    Status = env["toperp.helpdesk.sla.status"]
    try:
        cr.execute("SELECT count(*) FROM toperp_helpdesk_sla_status WHERE state = 'running'")
        running = cr.fetchone()[0]
        cr.execute("SELECT count(*) FROM toperp_helpdesk_ticket WHERE NOT is_closed")
        open_tickets = cr.fetchone()[0]
        make_due(cr, 1)
        env.invalidate_all()
        Status._cron_sla_warnings()
        env.flush_all()
        due = max(2, open_tickets // 100) // 2 * 2
        make_due(cr, due // 2)
        env.invalidate_all()
        queries = cr.sql_log_count
        begin = time.perf_counter()
        changed = Status._cron_sla_warnings()
        env.flush_all()
        seconds = time.perf_counter() - begin
        queries = cr.sql_log_count - queries
    finally:
        cr.rollback()
    return {"seconds": seconds, "changed": changed, "due": due, "open": open_tickets, "running": running,
            "queries": queries}


# --- orchestration -------------------------------------------------------------------------

def build_side(args, side, conf, db, languages):
    """One side's database with its data: (conf, db, info). Ours: a copy of ``<db>``;
    OCA's: their addons installed in a fresh one (with ``--keep``, from a kept empty copy)."""
    begin = time.perf_counter()
    if side == "ours":
        copy_db(conf, args.database, db)
    elif args.keep and common.has_modules(conf, f"{db}_empty", OCA_MODULES):
        copy_db(conf, f"{db}_empty", db)
    else:
        common.create_db(conf, db, OCA_MODULES, languages)
        if args.keep:  # an empty one to start again from (OCA's install takes minutes)
            copy_db(conf, db, f"{db}_empty")
    _logger.info("%s: database %s ready in %.0f s", side, db, time.perf_counter() - begin)
    begin = time.perf_counter()
    info = worker_process(args, "populate", side, conf, db)
    vacuum(conf, db)
    _logger.info("%s: %s, populated and vacuumed in %.0f s", side, info, time.perf_counter() - begin)
    return conf, db, info


def prepare(args, base_conf, workdir):
    """Both databases with their data: {side: (conf, db, info)}, built at once (OCA's
    install is mostly Python, the inserts mostly PostgreSQL: together they take the time
    of the longer)."""
    languages = common.psql(base_conf, args.database, "select code from res_lang where active and code != 'en_US'")
    addons = fetch_oca_addons(OCA_REQUIREMENTS)
    dbs = {"ours": f"{args.database}_backend", "oca": f"{args.database}_backend_oca"}
    confs = {"ours": common.derived_conf(base_conf, dbs["ours"], directory=workdir),
             "oca": common.derived_conf(base_conf, dbs["oca"], [addons], directory=workdir)}
    sides, futures = {}, {}
    with ThreadPoolExecutor(max_workers=2) as executor:
        for side in SIDES:
            conf, db = confs[side], dbs[side]
            if args.keep and tickets_in(conf, db) == args.tickets:
                _logger.info("%s: reusing %s (%d tickets)", side, db, args.tickets)
                sides[side] = (conf, db, {"tickets": args.tickets, "reused": True})
            else:
                futures[side] = executor.submit(build_side, args, side, conf, db, languages)
        for side, future in futures.items():
            sides[side] = future.result()
    return sides


def measure(args, sides, workdir):
    """Start both servers, run every operation on both sides, alternating."""
    servers, clients = {}, {}
    try:
        for side, (conf, db, _info) in sides.items():
            directory = Path(workdir) / side
            directory.mkdir(exist_ok=True)
            servers[side] = Server(conf, db, 1, directory)
        for side, server in servers.items():
            server.wait_ready()
            clients[side] = Client(side, server, sides[side][1])
            clients[side].load_views()
        for client in clients.values():
            queue = client.op("queue_list", "warmup")
            client.queue_ids = [record["id"] for record in queue["records"]]
            client.number = None
        # The number searched: the same ticket on both sides (the 12th of the queue on ours).
        number = clients["ours"].call("read", [clients["ours"].queue_ids[11:12], ["number"]], {})[0]["number"]
        for client in clients.values():
            client.number = number
        offsets = {side: server.log_offset() for side, server in servers.items()}
        results = {side: {} for side in SIDES}
        turn = 0
        for round_no in range(args.rounds + 1):
            for name in OPS:
                order = SIDES if turn % 2 == 0 else SIDES[::-1]
                turn += 1
                for side in order:
                    client = clients[side]
                    tag = f"{name}.{round_no}.{side}" if round_no >= 1 else "warmup"
                    ids = client.queue_ids[round_no % len(client.queue_ids):]
                    results[side][name] = client.op(name, tag, ids)
        time.sleep(1)
        logged = {side: server_times(servers[side].log_lines(offsets[side])) for side in servers}
    finally:
        for server in servers.values():
            server.stop()
    return logged, results


def summarize(args, logged, results):
    """{side: {op: (times, queries)}} from the werkzeug lines of the tagged requests."""
    stats = {side: {} for side in SIDES}
    for side in SIDES:
        per_request = {}
        for _method, path, _status, queries, seconds in logged[side]:
            tag = path.split("?bench=", 1)[1] if "?bench=" in path else "warmup"
            if tag.startswith("warmup"):
                continue
            name, round_no = tag.split(".")[0], tag.split(".")[1]
            total = per_request.setdefault((name, round_no), [0.0, 0])
            total[0] += seconds * 1000
            total[1] += queries
        for name in OPS:
            values = [v for (n, _r), v in per_request.items() if n == name]
            stats[side][name] = ([v[0] for v in values], [v[1] for v in values])
    return stats


def rows_of(result):
    if isinstance(result, dict) and "records" in result:
        return f"rows={len(result['records'])} count={result.get('length')}"
    if isinstance(result, dict) and "column" in result:
        return f"groups={result['length']} rows={result['column']}"
    if isinstance(result, dict) and "messages" in result:
        return f"rows={len(result['messages'])}"
    if isinstance(result, list):
        return f"rows={len(result)}"
    return ""


def orchestrate(args):
    base_conf = args.config
    installed = set(common.psql(base_conf, args.database,
                                "select name from ir_module_module where state = 'installed'"))
    if not {"toperp_helpdesk", "toperp_helpdesk_sla"} <= installed:
        print(f"toperp_helpdesk and toperp_helpdesk_sla must be installed in {args.database}", file=sys.stderr)
        return 1
    workdir = tempfile.mkdtemp(prefix="bench_backend.")
    sides = {}
    begin = time.perf_counter()
    try:
        sides = prepare(args, base_conf, workdir)
        _logger.info("data ready in %.0f s", time.perf_counter() - begin)
        cron = worker_process(args, "cron", "ours", *sides["ours"][:2])
        _logger.info("SLA cron: %s", cron)
        logged, results = measure(args, sides, workdir)
    except (RuntimeError, subprocess.CalledProcessError, requests.RequestException) as exc:
        print(exc, file=sys.stderr)
        return 1
    finally:
        if not args.keep:
            for conf, db, _info in sides.values():
                common.drop_db(conf, db)
                shutil.rmtree(data_dir(conf) / "filestore" / db, ignore_errors=True)
        for conf, _db, _info in sides.values():
            Path(conf).unlink(missing_ok=True)
        shutil.rmtree(workdir, ignore_errors=True)
    stats = summarize(args, logged, results)
    failed = False
    for name in OPS:
        ours_times, ours_queries = stats["ours"][name]
        oca_times, oca_queries = stats["oca"][name]
        if not ours_times or not oca_times:
            print(f"{name}: no timed request found in the servers' logs", file=sys.stderr)
            failed = True
            continue
        ours_p50, oca_p50 = percentile(ours_times, 50), percentile(oca_times, 50)
        print(f"BENCH backend op={name} tickets={args.tickets} p50_ms={ours_p50:.1f} "
              f"p95_ms={percentile(ours_times, 95):.1f} queries={statistics.median(ours_queries):.0f} "
              f"oca_p50_ms={oca_p50:.1f} oca_p95_ms={percentile(oca_times, 95):.1f} "
              f"oca_queries={statistics.median(oca_queries):.0f} ratio_vs_oca={oca_p50 / max(ours_p50, 0.1):.2f} "
              f"{rows_of(results['ours'][name])} oca_{rows_of(results['oca'][name])}")
    print(f"BENCH backend op=sla_cron tickets={args.tickets} open={cron['open']} changed={cron['changed']} "
          f"due={cron['due']} seconds={cron['seconds']:.2f} queries={cron['queries']} ratio_vs_oca=n/a")
    if cron["changed"] != cron["due"]:
        failed = True
    _logger.info("total %.0f s, load: %s", time.perf_counter() - begin, os.getloadavg())
    return 1 if failed else 0


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True, help="Odoo configuration file")
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--tickets", type=int, default=1_000_000, help="tickets on each side")
    parser.add_argument("--open-share", type=float, default=0.02, help="share of open tickets")
    parser.add_argument("--rounds", type=int, default=10, help="timed rounds (after a warm-up round)")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the two databases")
    parser.add_argument("--worker", choices=["populate", "cron"], help=argparse.SUPPRESS)
    parser.add_argument("--side", choices=SIDES, help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s: %(message)s", stream=sys.stderr)
    if args.worker:
        return run_worker(args)
    return orchestrate(args)


if __name__ == "__main__":
    sys.exit(main())
