from odoo import fields, models, tools
from odoo.models import parse_read_group_spec
from odoo.tools import SQL

from ..models.toperp_helpdesk_sla_status import STATES, TARGETS

# The support desk's time zone (the office calendar's): the report keeps each start's
# local date so that grouping by day/week/month… for users in this time zone does not
# convert a million timestamps per query.
REPORT_TZ = "Asia/Ho_Chi_Minh"
REPORT_TZ_NAMES = {REPORT_TZ, "Asia/Saigon"}  # the same zone under its old name
# Granularities that the local date answers (not hours, minutes, seconds).
DATE_GRANULARITIES = {
    "day", "week", "month", "quarter", "year", "year_number", "quarter_number", "month_number",
    "iso_week_number", "day_of_year", "day_of_month", "day_of_week",
}
# Denormalised copy of the statuses with their ticket's dimensions, kept in sync by
# PostgreSQL triggers (see ``_init_fact_table``). Bump the version when its definition
# changes: the table is then rebuilt at the next module update.
FACT_TABLE = "toperp_helpdesk_sla_report_fact"
FACT_VERSION = "2"
# Ticket columns copied to the fact table (the hot dimensions of the report).
TICKET_DIMENSIONS = ("company_id", "severity_id", "team_id", "commercial_partner_id", "scope_reason_id")


class ToperpHelpdeskSlaReport(models.Model):
    """SLA analysis: one row per SLA status (cancelled ones and out-of-scope tickets
    left out).

    Pivot and graph views aggregate over every status of every ticket, a million rows
    and more, several queries per refresh. Joining the statuses to their tickets and
    reading the wide status table in each of them is too slow for that (DESIGN §6: ≤ 1 s
    per pivot refresh, ``tests/perf/bench_sla_report.py``), so the view reads a narrow,
    denormalised table, ``toperp_helpdesk_sla_report_fact``: the status id, target,
    state, start and business hours to reach, with the ticket's company, severity, team,
    customer and scope, the paused time. PostgreSQL triggers on the status and ticket tables keep it in
    sync in the same transaction, whatever writes them (ORM, cron, SQL). Rarely grouped
    columns (policy, deadline, assignee, plan…) come from LEFT JOINs on unique keys,
    which PostgreSQL drops from the queries that do not use them.

    The triggers name the status and ticket columns they copy: changing the type of one
    of them needs ``drop_fact_table`` first (the next update of this module rebuilds
    everything).
    """

    _name = "toperp.helpdesk.sla.report"
    _description = "Helpdesk SLA Analysis"
    _auto = False
    _order = "date_start desc"
    _rec_name = "ticket_id"

    ticket_id = fields.Many2one("toperp.helpdesk.ticket", string="Ticket", readonly=True)
    policy_id = fields.Many2one("toperp.helpdesk.sla.policy", string="Policy", readonly=True)
    target = fields.Selection(TARGETS, readonly=True)
    state = fields.Selection(STATES, readonly=True)
    severity_id = fields.Many2one("toperp.helpdesk.severity", string="Severity", readonly=True)
    team_id = fields.Many2one("toperp.helpdesk.team", string="Team", readonly=True)
    user_id = fields.Many2one("res.users", string="Assigned to", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    support_plan = fields.Selection([("standard", "Standard"), ("priority", "Priority")], readonly=True)
    date_start = fields.Datetime(string="Start", readonly=True)
    deadline = fields.Datetime(readonly=True)
    reached_date = fields.Datetime(string="Reached On", readonly=True)
    achieved_percent = fields.Float(
        string="Achievement (%)",
        aggregator="avg",
        readonly=True,
        help="Share of finished targets that were met in time (running clocks are not counted).",
    )
    met_count = fields.Integer(string="# Met", readonly=True)
    breached_count = fields.Integer(string="# Breached", readonly=True)
    first_response_hours = fields.Float(
        string="Time to First Response (h)",
        aggregator="avg",
        readonly=True,
        help="Business hours to the first agent reply, pauses excluded.",
    )
    resolution_hours = fields.Float(
        string="Time to Resolution (h)",
        aggregator="avg",
        readonly=True,
        help="Business hours to solve, pauses excluded.",
    )
    paused_hours = fields.Float(
        string="Paused Time (h)",
        aggregator="avg",
        readonly=True,
        help="Business hours the clock waited on the customer (a pause still running not counted).",
    )

    def _query(self):
        return SQL(
            """
            SELECT f.id AS id,
                   f.ticket_id AS ticket_id,
                   s.policy_id AS policy_id,
                   f.target AS target,
                   f.state AS state,
                   f.severity_id AS severity_id,
                   f.team_id AS team_id,
                   t.user_id AS user_id,
                   f.partner_id AS partner_id,
                   f.company_id AS company_id,
                   t.support_plan AS support_plan,
                   f.date_start AS date_start,
                   f.date_start_local AS date_start_local,
                   s.deadline AS deadline,
                   s.reached_date AS reached_date,
                   CASE f.state WHEN 'met' THEN 100.0::float8 WHEN 'breached' THEN 0.0::float8 END
                       AS achieved_percent,
                   (f.state = 'met')::int AS met_count,
                   (f.state = 'breached')::int AS breached_count,
                   CASE WHEN f.target = 'first_response' THEN f.reached_hours END AS first_response_hours,
                   CASE WHEN f.target = 'resolution' THEN f.reached_hours END AS resolution_hours,
                   f.paused_hours AS paused_hours
              FROM %(fact)s f
              LEFT JOIN toperp_helpdesk_sla_status s ON s.id = f.id
              LEFT JOIN toperp_helpdesk_ticket t ON t.id = f.ticket_id
             WHERE f.state != 'cancelled' AND f.in_scope
            """,
            fact=SQL.identifier(FACT_TABLE),
        )

    def init(self):
        self._init_fact_table()
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    def _init_fact_table(self):
        """Create (or rebuild, when ``FACT_VERSION`` changed) the fact table and the
        triggers that keep it in sync with the statuses and their tickets."""
        cr = self.env.cr
        cr.execute(SQL("SELECT obj_description(to_regclass(%s), 'pg_class')", FACT_TABLE))
        if cr.fetchone()[0] == f"version {FACT_VERSION}":
            self._init_fact_triggers()  # functions and triggers are replaced, data kept
            return
        drop_fact_table(cr)
        cr.execute(SQL(
            """
            CREATE TABLE %(fact)s (
                -- fixed-width columns first, read at a fixed offset in each row
                id integer PRIMARY KEY,           -- the status
                company_id integer,
                ticket_id integer NOT NULL,
                severity_id integer,
                team_id integer,
                partner_id integer,               -- the ticket's commercial partner
                date_start timestamp NOT NULL,    -- UTC, as in the status
                date_start_local date NOT NULL,   -- its date in REPORT_TZ
                in_scope boolean NOT NULL,
                target varchar NOT NULL,
                state varchar NOT NULL,
                reached_hours double precision,   -- only once reached
                paused_hours double precision
            );
            CREATE INDEX %(ticket_index)s ON %(fact)s (ticket_id);
            COMMENT ON TABLE %(fact)s IS %(comment)s;
            """,
            fact=SQL.identifier(FACT_TABLE),
            ticket_index=SQL.identifier(f"{FACT_TABLE}_ticket_id_idx"),
            comment=f"version {FACT_VERSION}",
        ))
        self._init_fact_triggers()
        cr.execute(self._fact_insert(SQL("toperp_helpdesk_sla_status"), lock=False))
        cr.execute(SQL("ANALYZE %s", SQL.identifier(FACT_TABLE)))

    def _fact_insert(self, source, where=None, lock=True):
        """``INSERT`` of the fact rows of the statuses in ``source`` (a table or the
        trigger's transition table) with their ticket's dimensions.

        With ``lock``, the tickets are read FOR SHARE: a concurrent change of a ticket's
        dimensions (whose trigger cannot see our new statuses) then makes one of the two
        transactions fail and retry, instead of leaving stale copies behind."""
        return SQL(
            """
            INSERT INTO %(fact)s
                   (id, company_id, ticket_id, severity_id, team_id, partner_id, date_start,
                    date_start_local, in_scope, target, state, reached_hours, paused_hours)
            SELECT s.id, t.company_id, s.ticket_id, t.severity_id, t.team_id, t.commercial_partner_id,
                   s.date_start, timezone(%(tz)s, timezone('UTC', s.date_start))::date,
                   t.scope_reason_id IS NULL, s.target, s.state,
                   CASE WHEN s.reached_date IS NOT NULL THEN s.reached_hours END,
                   COALESCE(s.paused_hours, 0.0)
              FROM %(source)s s
              JOIN toperp_helpdesk_ticket t ON t.id = s.ticket_id
             %(where)s %(lock)s
            """,
            fact=SQL.identifier(FACT_TABLE),
            tz=REPORT_TZ,
            source=source,
            where=SQL("WHERE %s", where) if where else SQL(),
            lock=SQL("FOR SHARE OF t") if lock else SQL(),
        )

    def _init_fact_triggers(self):
        dimensions_changed = SQL(" OR ").join(
            SQL("OLD.%s IS DISTINCT FROM NEW.%s", SQL.identifier(col), SQL.identifier(col))
            for col in TICKET_DIMENSIONS
        )
        self.env.cr.execute(SQL(
            """
            CREATE OR REPLACE FUNCTION toperp_helpdesk_sla_report_status_insert()
            RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                %(insert_new_rows)s;
                RETURN NULL;
            END
            $fn$;

            CREATE OR REPLACE FUNCTION toperp_helpdesk_sla_report_status_delete()
            RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                DELETE FROM %(fact)s f USING old_rows o WHERE f.id = o.id;
                RETURN NULL;
            END
            $fn$;

            -- A status changed: its own columns only, unless it moved to another ticket.
            CREATE OR REPLACE FUNCTION toperp_helpdesk_sla_report_status_update()
            RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                IF NEW.ticket_id IS DISTINCT FROM OLD.ticket_id THEN
                    DELETE FROM %(fact)s WHERE id = NEW.id;
                    %(insert_moved_row)s;
                ELSE
                    UPDATE %(fact)s
                       SET target = NEW.target, state = NEW.state, date_start = NEW.date_start,
                           date_start_local = timezone(%(tz)s, timezone('UTC', NEW.date_start))::date,
                           reached_hours = CASE WHEN NEW.reached_date IS NOT NULL THEN NEW.reached_hours END,
                           paused_hours = COALESCE(NEW.paused_hours, 0.0)
                     WHERE id = NEW.id;
                END IF;
                RETURN NULL;
            END
            $fn$;

            -- A ticket's dimensions changed: copy them to its statuses' rows.
            CREATE OR REPLACE FUNCTION toperp_helpdesk_sla_report_ticket_update()
            RETURNS trigger LANGUAGE plpgsql AS $fn$
            BEGIN
                UPDATE %(fact)s
                   SET company_id = NEW.company_id, severity_id = NEW.severity_id, team_id = NEW.team_id,
                       partner_id = NEW.commercial_partner_id, in_scope = NEW.scope_reason_id IS NULL
                 WHERE ticket_id = NEW.id;
                RETURN NULL;
            END
            $fn$;

            DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_insert ON toperp_helpdesk_sla_status;
            CREATE TRIGGER toperp_helpdesk_sla_report_insert
                AFTER INSERT ON toperp_helpdesk_sla_status
                REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT
                EXECUTE FUNCTION toperp_helpdesk_sla_report_status_insert();
            DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_delete ON toperp_helpdesk_sla_status;
            CREATE TRIGGER toperp_helpdesk_sla_report_delete
                AFTER DELETE ON toperp_helpdesk_sla_status
                REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT
                EXECUTE FUNCTION toperp_helpdesk_sla_report_status_delete();
            DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_update ON toperp_helpdesk_sla_status;
            CREATE TRIGGER toperp_helpdesk_sla_report_update
                AFTER UPDATE OF ticket_id, target, state, date_start, reached_date, reached_hours, paused_hours
                ON toperp_helpdesk_sla_status FOR EACH ROW
                WHEN (OLD.ticket_id IS DISTINCT FROM NEW.ticket_id OR OLD.target IS DISTINCT FROM NEW.target
                      OR OLD.state IS DISTINCT FROM NEW.state OR OLD.date_start IS DISTINCT FROM NEW.date_start
                      OR OLD.reached_date IS DISTINCT FROM NEW.reached_date
                      OR OLD.reached_hours IS DISTINCT FROM NEW.reached_hours
                      OR OLD.paused_hours IS DISTINCT FROM NEW.paused_hours)
                EXECUTE FUNCTION toperp_helpdesk_sla_report_status_update();
            DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_update ON toperp_helpdesk_ticket;
            CREATE TRIGGER toperp_helpdesk_sla_report_update
                AFTER UPDATE OF %(dimensions)s ON toperp_helpdesk_ticket FOR EACH ROW
                WHEN (%(dimensions_changed)s)
                EXECUTE FUNCTION toperp_helpdesk_sla_report_ticket_update();
            """,
            fact=SQL.identifier(FACT_TABLE),
            tz=REPORT_TZ,
            dimensions=SQL(", ").join(SQL.identifier(col) for col in TICKET_DIMENSIONS),
            dimensions_changed=dimensions_changed,
            insert_new_rows=self._fact_insert(SQL("new_rows")),
            insert_moved_row=self._fact_insert(SQL("toperp_helpdesk_sla_status"), SQL("s.id = NEW.id")),
        ))

    # ------------------------------------------------------------------
    # Grouping over a million rows
    # ------------------------------------------------------------------

    def _read_group(self, domain, groupby=(), aggregates=(), having=(), offset=0, limit=None, order=None):
        """Groups in the same order as the core's, without joining the first groupby's
        model in SQL to sort by its order (e.g. ``res.partner``'s name): with that join,
        PostgreSQL cannot estimate the number of groups and aggregates the million rows
        in a single process. The groups come ordered by the raw values and are sorted
        here by one search on that model (a stable sort: the other groupbys keep SQL's
        order). Only for the default order of all groups (what ``read_group`` and the
        pivot view ask) with one many2one groupby, the first one; anything else goes
        through the core as it is."""
        groupby = tuple(groupby)
        many2ones = [spec for spec in groupby if spec in self._fields and self._fields[spec].type == "many2one"]
        if (
            many2ones != list(groupby[:1])
            or limit
            or offset
            or (order or None) != ",".join(groupby)
        ):
            return super()._read_group(domain, groupby, aggregates, having, offset, limit, order)
        rows = super()._read_group(domain, groupby, aggregates, having)
        comodel = self.env[self._fields[groupby[0]].comodel_name]
        ids = list({row[0].id for row in rows if row[0]})
        ordered = comodel.sudo().with_context(active_test=False).search([("id", "in", ids)]).ids
        rank = {record_id: index for index, record_id in enumerate(ordered)}
        last = len(ordered)  # no value last, as NULLs in SQL's ascending order
        return sorted(rows, key=lambda row: rank.get(row[0].id, last) if row[0] else last)

    def _read_group_groupby(self, groupby_spec, query):
        fname, __, granularity = parse_read_group_spec(groupby_spec)
        report = self
        local = granularity in DATE_GRANULARITIES and self.env.context.get("tz") in REPORT_TZ_NAMES
        if fname == "date_start" and local:
            # Same expression as the core's, on the local date stored beside the start
            # instead of converting every start to the user's time zone.
            report = self.with_context(tz=None, toperp_sla_report_local_start=True)
        return super(ToperpHelpdeskSlaReport, report)._read_group_groupby(groupby_spec, query)

    def _field_to_sql(self, alias, fname, query=None, flush=True):
        sql = super()._field_to_sql(alias, fname, query, flush)
        if fname == "date_start" and self.env.context.get("toperp_sla_report_local_start"):
            return SQL.identifier(alias, "date_start_local")
        return sql


def drop_fact_table(cr):
    """Drop the report's fact table, its triggers and functions (module uninstall, or
    before a rebuild)."""
    cr.execute(SQL(
        """
        DROP VIEW IF EXISTS toperp_helpdesk_sla_report;
        DROP TABLE IF EXISTS %(fact)s;
        DO $do$
        BEGIN
            IF to_regclass('toperp_helpdesk_ticket') IS NOT NULL THEN
                DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_update ON toperp_helpdesk_ticket;
            END IF;
            IF to_regclass('toperp_helpdesk_sla_status') IS NOT NULL THEN
                DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_insert ON toperp_helpdesk_sla_status;
                DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_delete ON toperp_helpdesk_sla_status;
                DROP TRIGGER IF EXISTS toperp_helpdesk_sla_report_update ON toperp_helpdesk_sla_status;
            END IF;
        END
        $do$;
        DROP FUNCTION IF EXISTS toperp_helpdesk_sla_report_status_insert(),
                                toperp_helpdesk_sla_report_status_delete(),
                                toperp_helpdesk_sla_report_status_update(),
                                toperp_helpdesk_sla_report_ticket_update();
        """,
        fact=SQL.identifier(FACT_TABLE),
    ))
