from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import formatLang

SLA_STATES = [
    ("on_track", "On Track"),
    ("at_risk", "At Risk"),
    ("breached", "Breached"),
    ("paused", "Paused"),
    ("met", "Met"),
]
# Ticket fields whose change may select another SLA policy.
POLICY_FIELDS = {"severity_id", "team_id", "partner_id", "service_type_id", "company_id"}
# "Breaching soon": a running deadline within this delay.
BREACHING_SOON = timedelta(hours=2)
# The clocks a policy starts on a new ticket (next-reply clocks start later).
OPENING_TARGETS = ("first_response", "resolution")


def sla_summary(clocks):
    """(nearest deadline, state) of a ticket from its clocks, given as
    ``(state, deadline, reached_date, warned)``: the one rule for the clocks of a
    saved ticket and for those a ticket being created is about to get."""
    clocks = [clock for clock in clocks if clock[0] != "cancelled"]
    ticking = [deadline for state, deadline, reached, _warned in clocks
               if state in ("running", "breached") and not reached and deadline]
    states = {clock[0] for clock in clocks}
    running = [clock for clock in clocks if clock[0] == "running"]
    if "breached" in states:
        state = "breached"
    elif any(warned for _state, _deadline, _reached, warned in running):
        state = "at_risk"
    elif running:
        state = "on_track"
    elif "paused" in states:
        state = "paused"
    elif "met" in states:
        state = "met"
    else:
        state = False
    return min(ticking, default=False), state


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"
    # The global priority queue: open first, most severe, nearest SLA deadline, oldest.
    _order = "is_closed, severity_rank desc, sla_deadline asc nulls last, create_date, id"

    sla_policy_id = fields.Many2one(
        "toperp.helpdesk.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_policy_id",
        store=True,
        precompute=True,
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The first policy, by sequence, that matches the ticket.",
    )
    sla_status_ids = fields.One2many(
        "toperp.helpdesk.sla.status", "ticket_id", string="SLA Statuses", copy=False
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla",
        store=True,
        precompute=True,
        index=True,
        help="Nearest deadline among the SLA clocks still ticking.",
    )
    sla_state = fields.Selection(
        SLA_STATES, string="SLA", compute="_compute_sla", store=True, precompute=True, index=True
    )
    sla_time_left = fields.Float(
        string="SLA Time Left",
        compute="_compute_sla_time_left",
        help="Business hours left before the nearest SLA deadline; negative when late.",
    )
    sla_breaching_soon = fields.Boolean(
        string="SLA Breaching Soon", compute="_compute_sla_time_left", search="_search_sla_breaching_soon"
    )

    def init(self):
        # The queue (the Tickets menu: open tickets in _order, 80 a page, with the pager's
        # count; the kanban's columns and their counts; "My Tickets", "Breaching Soon")
        # read in the order of one index, without sorting every open ticket. It matches
        # the SQL the ORM writes: the predicate is its "is_closed = False" as it is
        # written, "(is_closed IS NULL OR is_closed = FALSE)" (PostgreSQL proves nothing
        # from "is_closed IS NOT TRUE"), and the first key its ordering of a boolean,
        # COALESCE(is_closed, FALSE). Partial: the open tickets only (2 % of a desk's
        # history). The included columns are the record rule's (company_id) and what the
        # kanban groups and counts (stage, severity) and "My Tickets" filters: those
        # counts read the index alone. Measured at 1 000 000 tickets, 19 990 open: the
        # first page 0.4 ms instead of 33 ms, the kanban's two group counts 7 ms each
        # instead of 16 and 19 (tests/perf/README.md, bench_backend; the plan is pinned by
        # test_queue_index).
        self.env.cr.execute(SQL("DROP INDEX IF EXISTS toperp_helpdesk_ticket_queue_index"))
        self.env.cr.execute(SQL(
            """
            CREATE INDEX IF NOT EXISTS toperp_helpdesk_ticket_open_queue_index ON toperp_helpdesk_ticket
                   (COALESCE(is_closed, FALSE), severity_rank DESC, sla_deadline, create_date, id)
                   INCLUDE (company_id, stage_id, user_id, severity_code)
                   WHERE (is_closed IS NULL OR is_closed = FALSE)
            """
        ))
        # A kanban column (the open tickets of one stage, in the queue's order, 40 cards
        # with the column's count): PostgreSQL cannot know that a stage's tickets are
        # nearly all open, misjudges how many remain and sorts the whole stage (5 000
        # tickets: 9 ms, and 8 ms for the count) unless an index starts with the stage:
        # 0.3 ms and 2 ms (test_queue_index).
        self.env.cr.execute(SQL(
            """
            CREATE INDEX IF NOT EXISTS toperp_helpdesk_ticket_open_stage_index ON toperp_helpdesk_ticket
                   (stage_id, COALESCE(is_closed, FALSE), severity_rank DESC, sla_deadline, create_date, id)
                   INCLUDE (company_id)
                   WHERE (is_closed IS NULL OR is_closed = FALSE)
            """
        ))
        return super().init()

    @api.depends(*POLICY_FIELDS, "support_plan", "commercial_partner_id")
    def _compute_sla_policy_id(self):
        policies = self.env["toperp.helpdesk.sla.policy"]._find_for_tickets(self)
        for ticket in self:
            ticket.sla_policy_id = policies[ticket]

    @api.depends(
        "sla_status_ids.state", "sla_status_ids.deadline", "sla_status_ids.reached_date", "sla_status_ids.warned",
        "sla_policy_id", "stage_id", "reported_date", "scope_reason_id", "first_response_date",
    )
    def _compute_sla(self):
        for ticket in self:
            if ticket.id or ticket.sla_status_ids:
                clocks = [(s.state, s.deadline, s.reached_date, s.warned) for s in ticket.sla_status_ids]
            else:
                # Being created (precompute: the summary goes in the INSERT): the clocks
                # that _sla_apply starts next, from the same values.
                clocks = [
                    (vals["state"], vals["deadline"], vals.get("reached_date"), False)
                    for vals in ticket._sla_new_clock_values()
                ]
            ticket.sla_deadline, ticket.sla_state = sla_summary(clocks)

    @api.depends("sla_deadline", "sla_state", "sla_policy_id")
    @api.depends_context("uid")
    def _compute_sla_time_left(self):
        """From the ticket's own summary (nearest deadline, state) and its policy's working
        hours, which its open clocks count in (``_sla_policy_values``): no read of the
        clocks for a page of the queue (2 queries and a fifth of its time, BENCH backend
        op=queue_list). Breaching soon: warned (``at_risk``) or due within 2 hours, as
        ``_search_sla_breaching_soon`` finds it."""
        now = fields.Datetime.now()
        Calendar = self.env["resource.calendar"].sudo()
        Policy = self.env["toperp.helpdesk.sla.policy"]
        for ticket in self:
            deadline = ticket.sla_deadline
            if not deadline:
                ticket.sla_time_left = 0.0
                ticket.sla_breaching_soon = False
                continue
            if ticket.sla_policy_id:
                calendar = Calendar.browse(Policy._targets_cached(ticket.sla_policy_id.id)["calendar_id"] or ())
            else:  # its policy deleted: the clock's own hours
                calendar = ticket.sudo().sla_status_ids.filtered(
                    lambda s, d=deadline: s.deadline == d and not s.reached_date
                )[:1].calendar_id
            clock = Calendar._toperp_clock_for(calendar)
            if deadline >= now:
                ticket.sla_time_left = clock.between(now, deadline)
            else:
                ticket.sla_time_left = -clock.between(deadline, now)
            ticket.sla_breaching_soon = ticket.sla_state == "at_risk" or deadline <= now + BREACHING_SOON

    def _search_sla_breaching_soon(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        domain = [
            ("is_closed", "=", False),
            ("sla_deadline", "!=", False),
            "|",
            ("sla_state", "=", "at_risk"),
            ("sla_deadline", "<=", fields.Datetime.now() + BREACHING_SOON),
        ]
        if (operator == "=") == value:
            return domain
        return [("id", "not in", self._search(domain))]

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        tickets._sla_apply()
        tickets._notify_oncall()
        return tickets

    def write(self, vals):
        before = {}
        if "stage_id" in vals or "scope_reason_id" in vals:
            before = {ticket.id: (ticket.stage_id, ticket.scope_reason_id) for ticket in self}
        res = super().write(vals)
        if before:
            now = fields.Datetime.now()
            if vals.get("scope_reason_id"):
                self.sudo().sla_status_ids._sla_cancel()
            elif "scope_reason_id" in vals:
                self.filtered(lambda t: before[t.id][1])._sla_apply(start=now)
            if "stage_id" in vals:
                self._sla_stage_changed(before, now)
        if POLICY_FIELDS.intersection(vals):
            now = fields.Datetime.now()
            self._sla_apply(raised_at=now)
        return res

    # ------------------------------------------------------------------
    # Hooks of the core
    # ------------------------------------------------------------------

    def _on_agent_reply(self, message):
        res = super()._on_agent_reply(message)
        when = message.date or fields.Datetime.now()
        self.sudo().sla_status_ids.filtered(
            lambda s: s.target in ("first_response", "next_reply")
        )._sla_reach(when)
        return res

    def _on_customer_message(self, message, values=None):
        res = super()._on_customer_message(message, values=values)
        self._sla_start_next_reply(message.date or fields.Datetime.now())
        return res

    def _get_ack_response_target(self):
        self.ensure_one()
        status = self.sudo().sla_status_ids.filtered(
            lambda s: s.target == "first_response" and s.state in ("running", "paused")
        )[:1]
        if not status.target_hours:
            return super()._get_ack_response_target()
        hours = status.target_hours
        if hours < 1:
            return self.env._("within %(minutes)s minutes", minutes=round(hours * 60))
        amount = formatLang(self.env, hours, digits=0 if hours == int(hours) else 1)
        if status.calendar_id:
            return self.env._("within %(hours)s business hours", hours=amount)
        return self.env._("within %(hours)s hours", hours=amount)

    def _get_ack_response_deadline(self):
        self.ensure_one()
        status = self.sudo().sla_status_ids.filtered(
            lambda s: s.target == "first_response" and s.state in ("running", "paused") and s.deadline
        )[:1]
        return status.deadline or super()._get_ack_response_deadline()

    # ------------------------------------------------------------------
    # SLA
    # ------------------------------------------------------------------

    def _sla_is_cancel_stage(self, stage):
        """Whether ``stage`` is the team's cancelled stage (not its solved one)."""
        self.ensure_one()
        team = self.team_id
        return bool(team) and stage == team._stage_cancelled() and stage != team._stage_solved()

    def _sla_apply(self, start=None, raised_at=None):
        """Apply the ticket's policy: start the missing clocks (``_sla_new_clock_values``)
        and recompute the clocks still open from their ORIGINAL start, keeping the
        paused time; met and breached clocks stay as they are.

        ``start``: start of newly started clocks (default: when the customer reported
        the problem, ``reported_date``).
        ``raised_at``: the policy may have changed at that moment (severity, team,
        plan): a clock the new policy makes more urgent (its deadline from the original
        start would be earlier) restarts then, with the new target and calendar (a
        Low ticket raised to Critical on Saturday 02:00 is due at 03:00, not breached
        at once); a lowering keeps the original start (it hides no breach). The
        restart is written on the ticket.
        """
        new_vals = []
        restarted = self.env["toperp.helpdesk.sla.status"]
        for ticket in self.sudo():
            if ticket.scope_reason_id:
                continue
            policy = ticket.sla_policy_id
            statuses = ticket.sla_status_ids.filtered(lambda s: s.state != "cancelled")
            for target in ("first_response", "resolution", "next_reply"):
                hours = policy._target_hours(target) if policy else 0.0
                open_ones = statuses.filtered(lambda s, t=target: s.target == t and not s.reached_date)
                if not hours:
                    open_ones._sla_cancel()
                elif open_ones:
                    values = ticket._sla_policy_values(policy, target)
                    ticking = open_ones.filtered(lambda s: s.state in ("running", "paused"))
                    raised = ticking._sla_raised_by(values) if raised_at else ticking.browse()
                    (ticking - raised).write(values)
                    (ticking - raised)._sla_schedule()
                    raised._sla_restart(values, raised_at)
                    restarted |= raised
            started = set(statuses.mapped("target"))
            new_vals += [vals for vals in ticket._sla_new_clock_values(start) if vals["target"] not in started]
        if new_vals:
            self.env["toperp.helpdesk.sla.status"].sudo().create(new_vals)
        if restarted:
            restarted._sla_log_restart()

    def _sla_new_clock_values(self, start=None):
        """Creation values of the clocks the ticket's policy starts (first response and
        resolution; none for a closed or out-of-scope ticket), scheduled: deadline,
        warning and next check in the INSERT. A clock starts at ``start`` (default: the
        ticket's ``reported_date``), paused when the ticket waits on the customer; a
        first response already given (e.g. an operator's answer in the chat the ticket
        comes from) is reached at once."""
        self.ensure_one()
        policy = self.sla_policy_id
        if not policy or self.is_closed or self.scope_reason_id:
            return []
        Status = self.env["toperp.helpdesk.sla.status"]
        now = fields.Datetime.now()
        start = start or self.reported_date or now
        paused = self.stage_id.pauses_sla
        vals_list = []
        for target in OPENING_TARGETS:
            if not policy._target_hours(target):
                continue
            vals = self._sla_policy_values(policy, target)
            calendar = self.env["resource.calendar"].browse(vals["calendar_id"])
            clock = calendar._toperp_clock_for(calendar)
            vals.update(
                ticket_id=self.id,
                company_id=self.company_id.id,
                date_start=start,
                state="paused" if paused else "running",
                pause_start=now if paused else False,
                **Status._sla_schedule_values(clock, start, vals["target_hours"], vals["warning_percent"]),
            )
            reached = self.first_response_date if target == "first_response" else False
            if reached:
                vals.update(
                    reached_date=reached,
                    reached_hours=clock.between(start, reached),
                    state="breached" if vals["deadline"] and reached > vals["deadline"] else "met",
                    pause_start=False,
                )
            vals["next_check"] = Status._next_check_for(vals)
            vals_list.append(vals)
        return vals_list

    def _sla_policy_values(self, policy, target):
        data = policy._targets_cached(policy.id)
        return {
            "policy_id": policy.id,
            "target": target,
            "target_hours": data[target],
            "warning_percent": data["warning_percent"],
            "calendar_id": data["calendar_id"],
        }

    def _sla_stage_changed(self, before, now):
        for ticket in self.sudo():
            old_stage, _old_reason = before[ticket.id]
            new_stage = ticket.stage_id
            if old_stage == new_stage:
                continue
            statuses = ticket.sla_status_ids
            if new_stage.is_closed:
                if ticket.scope_reason_id or ticket._sla_is_cancel_stage(new_stage):
                    statuses._sla_cancel()
                else:
                    # Closing solves the ticket (resolution reached), but answers nobody:
                    # a response clock no agent's reply reached (the customer closed the
                    # ticket herself) does not apply, and leaves the achievement figures.
                    unanswered = statuses.filtered(
                        lambda s: s.target in ("first_response", "next_reply") and not s.reached_date
                    )
                    unanswered._sla_cancel()
                    (statuses - unanswered)._sla_reach(now)
            elif old_stage.is_closed:
                statuses.filtered(lambda s: s.target == "resolution" and s.state != "cancelled")._sla_reopen(now)
                if new_stage.pauses_sla:
                    statuses._sla_pause(now)
            elif new_stage.pauses_sla and not old_stage.pauses_sla:
                statuses._sla_pause(now)
            elif old_stage.pauses_sla and not new_stage.pauses_sla:
                statuses._sla_resume(now)

    def _sla_start_next_reply(self, when):
        """A customer wrote while the ticket waits on us: the next-reply clock starts,
        unless one is already ticking or the first response is still due."""
        vals_list = []
        for ticket in self.sudo():
            policy = ticket.sla_policy_id
            if not policy.next_reply_hours or ticket.is_closed or ticket.scope_reason_id:
                continue
            if ticket.stage_id.pauses_sla:
                continue
            statuses = ticket.sla_status_ids.filtered(lambda s: s.state != "cancelled" and not s.reached_date)
            if statuses.filtered(lambda s: s.target in ("first_response", "next_reply")):
                continue
            if not ticket.first_response_date:
                continue
            vals = ticket._sla_policy_values(policy, "next_reply")
            vals.update(ticket_id=ticket.id, date_start=when, state="running")
            vals_list.append(vals)
        if vals_list:
            self.env["toperp.helpdesk.sla.status"].sudo().create(vals_list)._sla_schedule()
