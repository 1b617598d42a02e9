from freezegun import freeze_time

from odoo.tests import tagged

from . import common

PER_PAGE = 80  # portal.CustomerPortal._items_per_page


@tagged("post_install", "-at_install")
class TestPortalQueryCount(common.PortalCase):
    """DESIGN §6: the portal's SQL queries per page do not grow with the customer's
    number of tickets (a customer may have 10 000; see tests/perf/bench_portal_load.py)."""

    maxDiff = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.severities = [
            cls.severity_low, cls.env.ref("toperp_helpdesk.severity_medium"), cls.severity_high,
            cls.env.ref("toperp_helpdesk.severity_critical"),
        ]
        cls.stage_solved = cls.env.ref("toperp_helpdesk.stage_solved")

    def _tickets(self, count, start=0):
        """``count`` tickets of company A, from both of its contacts, all severities,
        one in three solved."""
        Ticket = self.Ticket.with_context(tracking_disable=True, mail_create_nolog=True, mail_notrack=True)
        tickets = Ticket.create([
            {
                "name": f"Bulk ticket {start + i}",
                "description": "<p>Open the invoice list and click print, nothing happens</p>",
                "partner_id": (self.user_a if i % 2 else self.user_a2).partner_id.id,
                "severity_id": self.severities[i % len(self.severities)].id,
                "channel": "portal",
                "team_id": self.team.id,
            }
            for i in range(count)
        ])
        tickets.filtered(lambda t: t.id % 3 == 0).write({"stage_id": self.stage_solved.id})
        self.env.flush_all()
        return tickets

    def _get(self, url):
        """(SQL queries, page) of ``url`` once the caches are warm."""
        self.url_open(url)
        before = self.cr.sql_log_count
        response = self.url_open(url, allow_redirects=False)
        queries = self.cr.sql_log_count - before
        self.assertEqual(response.status_code, 200, url)
        return queries, response.text

    def _counters(self):
        self._jsonrpc("/my/counters", {"counters": ["toperp_ticket_count"]})
        before = self.cr.sql_log_count
        answer = self._jsonrpc("/my/counters", {"counters": ["toperp_ticket_count"]})
        return self.cr.sql_log_count - before, answer["result"]["toperp_ticket_count"]

    @freeze_time("2026-11-25 03:00:00")
    def test_queries_do_not_grow_with_tickets(self):
        first = self._tickets(5)
        ticket = first[0]
        last_page = "/my/support/page/7?sortby=date&filterby=all"  # 500 tickets: 7 pages of 80
        urls = [
            "/my",
            "/my/support",
            "/my/support?sortby=deadline&filterby=open",
            "/my/support?sortby=severity&filterby=closed",
            "/my/support?search=Bulk&filterby=all",
            last_page,
            f"/my/support/{ticket.id}",
        ]
        self.authenticate("portal_a", "portal_a")
        few = {url: self._get(url) for url in urls}
        few_counters = self._counters()
        # A few tickets: every one on the first page (page 7 is clamped to the last page).
        self.assertEqual(few["/my/support"][1].count("o_toperp_ticket_row"), 5)
        self.assertEqual(few[last_page][1].count("o_toperp_ticket_row"), 5)
        self.assertEqual(few_counters[1], 5)
        self.assertIn(ticket.number, few[f"/my/support/{ticket.id}"][1])

        self._tickets(495, start=5)
        many = {url: self._get(url) for url in urls}
        many_counters = self._counters()
        # Many tickets: full pages, the last one partly filled, the counter says 500 ...
        self.assertEqual(many["/my/support"][1].count("o_toperp_ticket_row"), PER_PAGE)
        self.assertEqual(many["/my/support?search=Bulk&filterby=all"][1].count("o_toperp_ticket_row"), PER_PAGE)
        self.assertEqual(many[last_page][1].count("o_toperp_ticket_row"), 500 - 6 * PER_PAGE)
        self.assertIn("Bulk ticket 0<", many[last_page][1])  # the oldest one is on the last page
        self.assertEqual(many_counters[1], 500)
        # ... and every page costs the same queries as with 5 tickets.
        self.assertEqual(
            {url: count for url, (count, _page) in many.items()},
            {url: count for url, (count, _page) in few.items()},
        )
        self.assertEqual(many_counters[0], few_counters[0])
        for url, (count, _page) in many.items():
            self.assertGreater(count, 0, url)
