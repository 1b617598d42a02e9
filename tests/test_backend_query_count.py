"""What the agents' queue costs, pinned: SQL queries of the list and kanban reads.

The Tickets menu opens on the open tickets' list (first page of 80 with the pager's count)
and its kanban (grouped by stage, the progress bar, the first column's cards). Agents wait
on these all day; ``BENCH backend`` (tests/perf/bench_backend.py) times them at 1 000 000
tickets beside OCA's helpdesk. Here their SQL queries are counted with the web client's
own requests (``web_search_read``, ``web_read_group``, ``read_progress_bar``, with the
specification the client builds from the views) for a handful of tickets and for more
than a page of them: the counts must be equal (no query per ticket: a compute that reads
per record, a missing prefetch) and are pinned, so that a regression fails here rather
than in a benchmark read weeks later. Counts are for the three addons installed together
(the product).
"""

import ast
from xml.etree import ElementTree

from freezegun import freeze_time

from odoo.addons.toperp_helpdesk.tests import common
from odoo.tests import tagged
from odoo.tools import SQL

# Queries of each read, as the agent, with warm registry caches and a fresh ORM cache (a new
# request). Lower is better: lower them when a change saves queries.
QUERIES_LIST = 14
QUERIES_KANBAN_GROUPS = 3
QUERIES_KANBAN_PROGRESS = 2
QUERIES_KANBAN_COLUMN = 11
ACTIVITY_FIELDS = ("activity_exception_decoration", "activity_exception_icon", "activity_state",
                   "activity_summary", "activity_type_icon")


def view_spec(node, fields):
    """The specification the web client sends for a view (``getFieldsSpec``): every field
    of the arch; many2one fields with their display name, tags with their colour, the
    activity widget's fields."""
    spec = {}
    for field in node.iter("field"):
        name, widget = field.get("name"), field.get("widget")
        kind = fields[name]["type"]
        invisible = field.get("column_invisible") in ("True", "1") or field.get("invisible") in ("True", "1")
        if kind == "many2one":
            spec[name] = {"fields": {} if invisible else {"display_name": {}}}
        elif widget == "many2many_tags":
            color = ast.literal_eval(field.get("options") or "{}").get("color_field")
            spec[name] = {"fields": {"display_name": {}, **({color: {}} if color else {})}}
        else:
            spec.setdefault(name, {})
        if widget in ("list_activity", "kanban_activity"):
            spec.update({dep: {} for dep in ACTIVITY_FIELDS}, activity_type_id={"fields": {"display_name": {}}})
    return spec


@tagged("post_install", "-at_install")
@freeze_time("2026-11-25 03:00:00")
class TestBackendQueryCount(common.HelpdeskCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.team.member_ids = cls.agent_1 | cls.agent_2
        cls.other_company = cls.env["res.partner"].create({"name": "Công ty CP Minh Phát", "is_company": True})
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Lê Thị Mai", "email": "mai@minhphat.vn", "parent_id": cls.other_company.id}
        )
        cls.tags = cls.env["toperp.helpdesk.tag"].create([{"name": "Hóa đơn", "color": 2}, {"name": "Kho", "color": 4}])
        cls.Queue = cls.Ticket.with_user(cls.agent_1).with_context(lang="vi_VN", tz="Asia/Ho_Chi_Minh")
        views = cls.Queue.get_views([(False, "list"), (False, "kanban")])
        fields = views["models"][cls.Ticket._name]["fields"]
        cls.list_spec = view_spec(ElementTree.fromstring(views["views"]["list"]["arch"]), fields)
        kanban = ElementTree.fromstring(views["views"]["kanban"]["arch"])
        cls.kanban_spec = view_spec(kanban, fields)
        cls.group_by = kanban.get("default_group_by")
        progress = kanban.find(".//progressbar")
        cls.progress_bar = {"field": progress.get("field"), "colors": ast.literal_eval(progress.get("colors"))}
        cls.aggregates = [f"{name}:{fields[name]['aggregator']}" for name in cls.kanban_spec
                          if fields.get(name, {}).get("aggregator") and name != cls.group_by]
        cls.open_domain = [("is_closed", "=", False)]

    def _tickets(self, count, start=0):
        """``count`` tickets of both customers: every severity, a third unassigned, one in
        five solved, one in five of the others waiting on the customer, some tagged."""
        severities = [self.severity_low, self.severity_medium, self.severity_high, self.severity_critical]
        tickets = self.Ticket.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True).create([
            {
                "name": f"Không xuất được hóa đơn điện tử {start + i}",
                "description": "<p>Vào Kế toán &gt; Hóa đơn, bấm Xác nhận: báo lỗi.</p>",
                "partner_id": (self.customer if i % 2 else self.other_customer).id,
                "severity_id": severities[i % 4].id,
                "team_id": self.team.id,
                "user_id": (False, self.agent_1.id, self.agent_2.id)[i % 3],
                "tag_ids": [(6, 0, self.tags[: i % 3].ids)],
            }
            for i in range(count)
        ])
        tickets.filtered(lambda t: t.id % 5 == 0).write({"stage_id": self.stage_solved.id})
        tickets.filtered(lambda t: t.id % 5 == 1).write({"stage_id": self.stage_waiting.id})
        self.env.flush_all()
        return tickets

    def _queries(self, method, *args, **kwargs):
        """(queries, result) of a read by the agent in a new request: warm registry
        caches (a first call), an empty ORM cache."""
        getattr(self.Queue, method)(*args, **kwargs)
        self.env.invalidate_all()
        before = self.cr.sql_log_count
        result = getattr(self.Queue, method)(*args, **kwargs)
        return self.cr.sql_log_count - before, result

    def _list(self):
        return self._queries("web_search_read", self.open_domain, self.list_spec, offset=0, limit=80, order="",
                             count_limit=10001)

    def _kanban(self):
        groups = self._queries("web_read_group", self.open_domain, self.aggregates, [self.group_by], orderby="",
                               lazy=True, limit=80)
        progress = self._queries("read_progress_bar", self.open_domain, self.group_by, self.progress_bar)
        first = next(g for g in groups[1]["groups"] if g[f"{self.group_by}_count"] and not g.get("__fold"))
        # The group's own domain, as the web client sends it (the search's and the column's).
        column = self._queries("web_search_read", first["__domain"], self.kanban_spec,
                               offset=0, limit=40, order="", count_limit=10001)
        return groups, progress, column

    def _reads(self):
        """Queries of the list, kanban groups, progress bar and first column, and what they return."""
        (groups_queries, groups), (progress_queries, progress), (column_queries, column) = self._kanban()
        list_queries, page = self._list()
        return (list_queries, groups_queries, progress_queries, column_queries), (page, groups, progress, column)

    def test_queries_do_not_grow_with_tickets(self):
        # Both sizes fill a page of the list (80) and of the first column (40): the pager's
        # count is one query more than a page that is not full.
        self._tickets(110)
        few, _result = self._reads()
        tickets = self.Ticket.search([])
        self._tickets(220, start=110)
        many, (page, groups, progress, column) = self._reads()
        self.assertEqual(many, few, "the queue of 330 tickets costs what the queue of 110 costs")
        self.assertEqual(many, (QUERIES_LIST, QUERIES_KANBAN_GROUPS, QUERIES_KANBAN_PROGRESS, QUERIES_KANBAN_COLUMN))
        open_tickets = self.Ticket.search(self.open_domain)
        self.assertGreater(len(open_tickets), 2 * len(tickets.filtered(lambda t: not t.is_closed)))

        # The list: the first 80 open tickets, most severe first, then the nearest SLA deadline.
        self.assertEqual(len(page["records"]), 80)
        self.assertEqual(page["length"], len(open_tickets), "the pager counts every open ticket")
        self.assertEqual([r["id"] for r in page["records"]], open_tickets[:80].ids, "in the queue's order")
        ranks = [self.Ticket.browse(r["id"]).severity_rank for r in page["records"]]
        self.assertEqual(ranks, sorted(ranks, reverse=True))
        first = page["records"][0]
        self.assertEqual(first["severity_id"]["display_name"], self.severity_critical.with_context(lang="vi_VN").name)
        self.assertTrue(first["sla_deadline"], "its running SLA deadline is shown")
        self.assertGreater(first["sla_time_left"], 0)

        # The kanban: each column counts its open tickets; the first (New) shows 40 cards,
        # its progress bar all of its tickets by severity.
        counts = {g[self.group_by][0]: g[f"{self.group_by}_count"] for g in groups["groups"]}
        for stage in (self.stage_new, self.stage_waiting):
            self.assertEqual(counts[stage.id], len(open_tickets.filtered(lambda t, s=stage: t.stage_id == s)))
        self.assertEqual(len(column["records"]), 40)
        self.assertEqual(column["length"], counts[self.stage_new.id])
        self.assertEqual(sum(progress[str(self.stage_new.id)].values()), counts[self.stage_new.id])

    def _plan(self, query):
        """PostgreSQL's plan of ``query`` (an ``SQL``), with sequential and bitmap scans
        and sorts made the last resort: a table of a few dozen rows would be read whole
        and sorted whatever its indexes; what is left shows whether an index serves the
        query, and in its order."""
        switches = ("enable_seqscan", "enable_bitmapscan", "enable_sort")
        self.env.flush_all()
        self.env.cr.execute("ANALYZE toperp_helpdesk_ticket")
        for switch in switches:
            self.env.cr.execute(f"SET LOCAL {switch} = off")
        try:
            self.env.cr.execute(SQL("EXPLAIN %s", query))
            return "\n".join(row[0] for row in self.env.cr.fetchall())
        finally:
            for switch in switches:
                self.env.cr.execute(f"SET LOCAL {switch} = on")

    def test_queue_index(self):
        """The open queue is read in the order of its index: the first page of a desk with
        20 000 open tickets costs 0.4 ms, not a sort of all of them (33 ms at 1 000 000
        tickets), and so is a kanban column (one stage's open tickets). A change of the
        queue's order or of the Open filter that the indexes no longer match fails here.
        (That the kanban's counts read the index alone shows in ``BENCH backend`` only:
        PostgreSQL reads a table's rows anyway until a VACUUM has seen them, never the
        case for a test's uncommitted tickets.)"""
        self._tickets(40)
        Queue = self.Queue.with_context(active_test=True)
        page = Queue._search(self.open_domain, order=Queue._order, limit=80)
        plan = self._plan(page.select())
        self.assertIn("Index Scan using toperp_helpdesk_ticket_open_queue_index", plan)
        self.assertNotIn("Sort", plan, "the first page is not sorted: the index gives its order")
        mine = Queue._search(self.open_domain + [("user_id", "=", self.agent_1.id)], order=Queue._order, limit=80)
        self.assertNotIn("Sort", self._plan(mine.select()), "My Tickets, in the queue's order too")
        column = Queue._search(self.open_domain + [("stage_id", "=", self.stage_new.id)], order=Queue._order, limit=40)
        plan = self._plan(column.select())
        self.assertIn("Index Scan using toperp_helpdesk_ticket_open_stage_index", plan, "a kanban column")
        self.assertNotIn("Sort", plan)
