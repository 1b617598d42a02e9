from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models

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
# Context key: start of the SLA clocks of the tickets being created.
SLA_START_KEY = "toperp_sla_start"


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"
    # The global priority queue: open first, most severe, nearest SLA deadline, oldest.
    _order = "is_closed, severity_rank desc, sla_deadline asc nulls last, create_date, id"

    sla_policy_id = fields.Many2one(
        "toperp.helpdesk.sla.policy",
        string="SLA Policy",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
    )
    sla_status_ids = fields.One2many(
        "toperp.helpdesk.sla.status", "ticket_id", string="SLA Statuses", copy=False
    )
    sla_deadline = fields.Datetime(
        string="SLA Deadline",
        compute="_compute_sla",
        store=True,
        index=True,
        help="Nearest deadline among the SLA clocks still ticking.",
    )
    sla_state = fields.Selection(SLA_STATES, string="SLA", compute="_compute_sla", store=True, index=True)
    sla_time_left = fields.Float(
        string="SLA Time Left",
        compute="_compute_sla_time_left",
        help="Business hours left before the nearest SLA deadline; negative when late.",
    )
    sla_breaching_soon = fields.Boolean(
        string="SLA Breaching Soon", compute="_compute_sla_time_left", search="_search_sla_breaching_soon"
    )

    @api.depends(
        "sla_status_ids.state", "sla_status_ids.deadline", "sla_status_ids.reached_date", "sla_status_ids.warned"
    )
    def _compute_sla(self):
        for ticket in self:
            statuses = ticket.sla_status_ids.filtered(lambda s: s.state != "cancelled")
            ticking = statuses.filtered(
                lambda s: s.state in ("running", "breached") and not s.reached_date and s.deadline
            )
            ticket.sla_deadline = min(ticking.mapped("deadline"), default=False)
            states = set(statuses.mapped("state"))
            running = statuses.filtered(lambda s: s.state == "running")
            if "breached" in states:
                ticket.sla_state = "breached"
            elif running.filtered("warned"):
                ticket.sla_state = "at_risk"
            elif running:
                ticket.sla_state = "on_track"
            elif "paused" in states:
                ticket.sla_state = "paused"
            elif "met" in states:
                ticket.sla_state = "met"
            else:
                ticket.sla_state = False

    @api.depends("sla_deadline")
    @api.depends_context("uid")
    def _compute_sla_time_left(self):
        now = fields.Datetime.now()
        for ticket in self:
            status = ticket.sla_status_ids.filtered(
                lambda s, d=ticket.sla_deadline: d and s.deadline == d and not s.reached_date
            )[:1]
            if not status:
                ticket.sla_time_left = 0.0
                ticket.sla_breaching_soon = False
                continue
            clock = status._clock()
            if status.deadline >= now:
                ticket.sla_time_left = clock.between(now, status.deadline)
            else:
                ticket.sla_time_left = -clock.between(status.deadline, now)
            ticket.sla_breaching_soon = status.warned or status.deadline <= now + BREACHING_SOON

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
        start = fields.Datetime.now()
        tickets = super(ToperpHelpdeskTicket, self.with_context(**{SLA_START_KEY: start})).create(vals_list)
        tickets = tickets.with_env(self.env)
        tickets._sla_apply(start=start)
        tickets._notify_oncall()
        return tickets

    def _add_precomputed_values(self, vals_list):
        # The SLA summary in the INSERT too: _sla_apply then creates the clocks it
        # foresaw, and the ticket row is not written again (the summary is recomputed
        # from the clocks all the same: a difference only costs an UPDATE).
        super()._add_precomputed_values(vals_list)
        start = self.env.context.get(SLA_START_KEY)
        if start:
            for vals in vals_list:
                vals.update(self._sla_initial_values(vals, start))
        return None  # completes vals_list in place, as Odoo's own method

    @api.model
    def _sla_initial_values(self, vals, start):
        """Policy, nearest deadline and SLA state of a ticket about to be created with
        ``vals`` (precomputed fields included), as _sla_apply and _compute_sla will
        make them with clocks started at ``start``."""
        if vals.get("scope_reason_id") or vals.get("first_response_date"):
            return {}
        policy = self.env["toperp.helpdesk.sla.policy"]._find_for_values(vals)
        if not policy:
            return {}
        values = {"sla_policy_id": policy.id}
        if vals.get("is_closed"):
            return values
        data = policy._targets_cached(policy.id)
        targets = [target for target in ("first_response", "resolution") if data[target]]
        if not targets:
            return values
        if vals.get("stage_id") in self.env["toperp.helpdesk.stage"]._pausing_ids_cached():
            values.update(sla_state="paused", sla_deadline=False)
            return values
        calendar = self.env["resource.calendar"].browse(data["calendar_id"])
        clock = calendar._toperp_clock_for(calendar)
        deadlines = [clock.add(start, data[target]) for target in targets]
        values.update(sla_state="on_track", sla_deadline=min(filter(None, deadlines), default=False))
        return values

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
            self._sla_apply()
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

    def _sla_apply(self, start=None):
        """(Re)apply the first matching policy: create the missing clocks, and recompute
        the clocks still open from their ORIGINAL start, keeping the paused time.

        ``start``: start of newly created clocks (default: the ticket's creation).
        """
        now = fields.Datetime.now()
        Status = self.env["toperp.helpdesk.sla.status"].sudo()
        policies = self.env["toperp.helpdesk.sla.policy"]._find_for_tickets(self)
        new_vals = []
        for ticket in self.sudo():
            if ticket.scope_reason_id:
                continue
            policy = policies[ticket]
            if ticket.sla_policy_id != policy:
                # Not tracked: no need for mail.thread's tracking and followers work.
                ticket.with_context(tracking_disable=True).sla_policy_id = policy
            statuses = ticket.sla_status_ids.filtered(lambda s: s.state != "cancelled")
            for target in ("first_response", "resolution", "next_reply"):
                hours = policy._target_hours(target) if policy else 0.0
                existing = statuses.filtered(lambda s, t=target: s.target == t)
                open_ones = existing.filtered(lambda s: not s.reached_date)
                if not hours:
                    open_ones._sla_cancel()
                    continue
                if open_ones:
                    open_ones.write(ticket._sla_policy_values(policy, target))
                    open_ones._sla_schedule()
                    # A looser target may give a late clock its time back.
                    open_ones.filtered(
                        lambda s: s.state == "breached" and s.deadline and s.deadline > now
                    ).write({"state": "running", "warned": False, "escalated": False})
                elif not existing and target != "next_reply" and not ticket.is_closed:
                    vals = ticket._sla_policy_values(policy, target)
                    vals.update(
                        ticket_id=ticket.id,
                        date_start=start or ticket.create_date or now,
                        state="paused" if ticket.stage_id.pauses_sla else "running",
                        pause_start=now if ticket.stage_id.pauses_sla else False,
                    )
                    # Scheduled in the INSERT: no UPDATE of the new row.
                    calendar = self.env["resource.calendar"].browse(vals["calendar_id"])
                    vals.update(Status._sla_schedule_values(
                        calendar._toperp_clock_for(calendar), vals["date_start"], vals["target_hours"],
                        vals["warning_percent"],
                    ))
                    vals.update(company_id=ticket.company_id.id, next_check=Status._next_check_for(vals))
                    new_vals.append(vals)
        if new_vals:
            created = Status.create(new_vals)
            for status in created.filtered(
                lambda s: s.target == "first_response" and s.ticket_id.first_response_date
            ):
                status._sla_reach(status.ticket_id.first_response_date)

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
                    statuses._sla_reach(now)
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

    # ------------------------------------------------------------------
    # 24/7 on-call
    # ------------------------------------------------------------------

    def _notify_oncall(self):
        """High and Critical tickets arriving outside office hours page the on-call agents."""
        office = self._toperp_ref("toperp_helpdesk_sla.calendar_office_hours")
        if not office:
            return
        clock = self.env["resource.calendar"]._toperp_clock_for(office)
        now = fields.Datetime.now()
        if clock.is_working(now):
            return
        urgent_ids = {
            severity_id
            for code, (severity_id, _rank, _words) in self.env["toperp.helpdesk.severity"]._triage_data().items()
            if code in ("high", "critical")
        }
        urgent = self.filtered(lambda t: t.severity_id.id in urgent_ids and not t.is_closed)
        if not urgent:
            return
        Oncall = self.env["toperp.helpdesk.oncall"].sudo()
        activity_type = self.env.ref("toperp_helpdesk_sla.mail_activity_type_oncall")
        for ticket in urgent.sudo():
            users = Oncall._on_duty(now, ticket.company_id)
            if not users:
                continue
            body = Markup("<p>%s</p>") % self.env._(
                "On-call: %(severity)s ticket %(number)s arrived outside office hours.",
                severity=ticket.severity_id.name,
                number=ticket.number,
            )
            ticket.message_post(
                body=body,
                partner_ids=users.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(
                [
                    {
                        "res_model_id": self.env["ir.model"]._get_id(self._name),
                        "res_id": ticket.id,
                        "activity_type_id": activity_type.id,
                        "summary": self.env._("Urgent ticket outside office hours"),
                        "user_id": user.id,
                        "date_deadline": fields.Date.context_today(self, now),
                    }
                    for user in users
                ]
            )
