import logging
from collections import defaultdict

import psycopg2.errors
from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

TARGETS = [
    ("first_response", "First Response"),
    ("resolution", "Resolution"),
    ("next_reply", "Next Reply"),
]
# The office's time zone, for readers without one.
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
STATES = [
    ("running", "Running"),
    ("paused", "Paused"),
    ("met", "Met"),
    ("breached", "Breached"),
    ("cancelled", "Cancelled"),
]


class ToperpHelpdeskSlaStatus(models.Model):
    _name = "toperp.helpdesk.sla.status"
    _description = "Helpdesk SLA Status"
    _order = "ticket_id, date_start, id"
    _rec_name = "target"

    ticket_id = fields.Many2one(
        "toperp.helpdesk.ticket", string="Ticket", required=True, ondelete="cascade", index=True
    )
    policy_id = fields.Many2one("toperp.helpdesk.sla.policy", string="Policy", ondelete="set null")
    company_id = fields.Many2one(related="ticket_id.company_id", store=True, index=True, precompute=True)
    target = fields.Selection(TARGETS, required=True)
    target_hours = fields.Float(help="Business hours allowed, from the policy.")
    warning_percent = fields.Float(string="Warning at (%)")
    calendar_id = fields.Many2one(
        "resource.calendar", string="Working Hours", help="Empty: 24/7.", ondelete="set null"
    )
    date_start = fields.Datetime(string="Start", required=True)
    deadline = fields.Datetime()
    warning_date = fields.Datetime(help="When the assignee is warned that the deadline is near.")
    next_check = fields.Datetime(
        compute="_compute_next_check",
        store=True,
        precompute=True,
        help="When the SLA cron must look at this status next (warning, then breach).",
    )
    reached_date = fields.Datetime(string="Reached On")
    reached_hours = fields.Float(
        string="Business Hours to Reach", help="Business hours from start to reach, pauses excluded."
    )
    state = fields.Selection(STATES, required=True, default="running", index=True)
    paused_hours = fields.Float(string="Paused (business hours)")
    pause_start = fields.Datetime(string="Paused Since")
    origin_date = fields.Datetime(
        string="Original Start", help="Start before a more urgent severity or plan restarted the clock."
    )
    raised_date = fields.Datetime(
        string="Restarted On", help="When a more urgent severity or plan restarted the clock."
    )
    warned = fields.Boolean(readonly=True)
    escalated = fields.Boolean(readonly=True)

    @api.depends("state", "warned", "escalated", "warning_date", "deadline")
    def _compute_next_check(self):
        for status in self:
            status.next_check = self._next_check_for(status)

    @api.model
    def _next_check_for(self, status):
        """When the cron must look at a status (a record or creation values) next."""
        get = status.get if isinstance(status, dict) else status.__getitem__
        deadline, warning_date = get("deadline"), get("warning_date")
        if get("state") != "running" or not deadline:
            return False
        if not get("warned") and warning_date and warning_date < deadline:
            return warning_date
        if not get("escalated"):
            return deadline
        return False

    def init(self):
        # The cron's range query: only running statuses with something left to do.
        tools.create_index(
            self.env.cr,
            "toperp_helpdesk_sla_status_next_check_running_idx",
            self._table,
            ["next_check"],
            where="state = 'running' AND next_check IS NOT NULL",
        )

    @api.depends("target", "ticket_id")
    def _compute_display_name(self):
        labels = dict(self._fields["target"]._description_selection(self.env))
        for status in self:
            status.display_name = f"{status.ticket_id.number or ''} {labels.get(status.target, '')}".strip()

    # ------------------------------------------------------------------
    # Clock
    # ------------------------------------------------------------------

    def _clocks(self):
        """{calendar: clock} for these statuses, compiled once per calendar."""
        Calendar = self.env["resource.calendar"]
        return {calendar: Calendar._toperp_clock_for(calendar) for calendar in self.sudo().calendar_id} | {
            Calendar: Calendar._toperp_clock_for(Calendar)
        }

    def _sla_schedule(self):
        """Set deadline and warning date from the ORIGINAL start, adding the paused time."""
        clocks = self._clocks()
        for status in self:
            status.write(self._sla_schedule_values(
                clocks[status.sudo().calendar_id], status.date_start, status.target_hours,
                status.warning_percent, status.paused_hours,
            ))

    @api.model
    def _sla_schedule_values(self, clock, date_start, target_hours, warning_percent, paused_hours=0.0):
        """Deadline and warning date of a clock started at ``date_start``."""
        deadline = clock.add(date_start, target_hours + paused_hours) or False
        warning_date = False
        if warning_percent:
            share = target_hours * warning_percent / 100.0
            warning_date = clock.add(date_start, share + paused_hours) or False
        return {"deadline": deadline, "warning_date": warning_date}

    def _sla_raised_by(self, values):
        """The clocks that the policy values ``values`` (target hours, calendar) make
        more urgent: their deadline from the original start would come earlier."""
        Calendar = self.env["resource.calendar"]
        calendar = Calendar.browse(values["calendar_id"])
        clock = Calendar._toperp_clock_for(calendar)
        raised = self.browse()
        for status in self:
            deadline = clock.add(status.date_start, values["target_hours"] + status.paused_hours)
            if deadline and (not status.deadline or deadline < status.deadline):
                raised |= status
        return raised

    def _sla_restart(self, values, when):
        """Restart these clocks at ``when`` with the policy values ``values``."""
        for status in self:
            status.write(dict(
                values,
                origin_date=status.origin_date or status.date_start,
                date_start=when,
                raised_date=when,
                paused_hours=0.0,
                pause_start=when if status.state == "paused" else False,
                warned=False,
                escalated=False,
            ))
        self._sla_schedule()

    def _sla_log_restart(self):
        """Write on each ticket that its clocks restarted, with the new deadlines, in
        the support language and the office's time zone."""
        env = self._sla_recipient_env(self.env["res.users"])
        bodies = {}
        for ticket in self.ticket_id:
            reader = self.with_env(env).filtered(lambda s, t=ticket: s.ticket_id == t)
            clocks = ", ".join(
                env._("%(target)s due %(deadline)s", target=status._sla_target_label(),
                      deadline=status._sla_format_deadline())
                for status in reader if status.deadline
            )
            bodies[ticket.id] = Markup("<p>%s</p>") % env._(
                "New deadlines counted from the raise to %(severity)s at %(when)s: %(clocks)s.",
                severity=ticket.with_env(env).severity_id.name,
                when=tools.format_datetime(env, reader[:1].raised_date, tz=env.context["tz"], dt_format="short"),
                clocks=clocks,
            )
        self._sla_log_and_schedule(bodies, [])

    def _sla_pause(self, when):
        self.filtered(lambda s: s.state == "running").write({"state": "paused", "pause_start": when})

    def _sla_resume(self, when):
        paused = self.filtered(lambda s: s.state == "paused")
        clocks = paused._clocks()
        for status in paused:
            extra = clocks[status.sudo().calendar_id].between(status.pause_start or when, when)
            status.write(
                {"state": "running", "pause_start": False, "paused_hours": status.paused_hours + extra}
            )
        paused._sla_schedule()

    def _sla_reach(self, when):
        """The target is reached at ``when``: met, or breached when late."""
        todo = self.filtered(lambda s: not s.reached_date and s.state in ("running", "paused", "breached"))
        todo._sla_resume(when)
        clocks = todo._clocks()
        for status in todo:
            late = status.state == "breached" or (status.deadline and when > status.deadline)
            elapsed = clocks[status.sudo().calendar_id].between(status.date_start, when)
            status.write(
                {
                    "reached_date": when,
                    "reached_hours": max(elapsed - status.paused_hours, 0.0),
                    "state": "breached" if late else "met",
                }
            )

    def _sla_reopen(self, when):
        """A solved ticket is reopened: its resolution clock goes on; the time it spent
        solved counts as paused."""
        for status in self.filtered("reached_date"):
            status.write(
                {
                    "state": "breached" if status.state == "breached" else "paused",
                    "pause_start": status.reached_date,
                    "reached_date": False,
                    "reached_hours": 0.0,
                }
            )
        self._sla_resume(when)

    def _sla_cancel(self):
        self.filtered(lambda s: not s.reached_date and s.state != "cancelled").write(
            {"state": "cancelled", "pause_start": False}
        )

    # ------------------------------------------------------------------
    # Cron: warnings and escalation
    # ------------------------------------------------------------------

    @api.model
    def _cron_sla_warnings(self, batch_size=1000):
        """Warn before, and escalate on, SLA deadlines: each exactly once.

        Only due rows are read (range scan on the partial index of ``next_check``) and
        they are locked with SKIP LOCKED, so two workers running the cron at once share
        the work instead of doing it twice. Returns how many statuses changed.
        """
        now = fields.Datetime.now()
        self.flush_model(["state", "next_check"])
        try:
            with self.env.cr.savepoint(flush=False):
                self.env.cr.execute(
                    SQL(
                        """
                        SELECT id FROM toperp_helpdesk_sla_status
                         WHERE state = 'running' AND next_check IS NOT NULL AND next_check <= %s
                         ORDER BY next_check
                         LIMIT %s
                           FOR UPDATE SKIP LOCKED
                        """,
                        now,
                        batch_size,
                    ),
                    log_exceptions=False,
                )
                rows = self.env.cr.fetchall()
        except psycopg2.errors.SerializationFailure:
            # Another worker changed these rows after our transaction started: it has
            # handled them. Look again in a fresh transaction.
            _logger.info("SLA cron: rows taken by another worker, retrying later")
            self.env.ref("toperp_helpdesk_sla.ir_cron_sla_warnings")._trigger()
            return 0
        statuses = self.browse([row[0] for row in rows]).sudo()
        breached = statuses.filtered(lambda s: s.deadline <= now)
        to_warn = (statuses - breached).filtered(lambda s: not s.warned)
        try:
            breached._sla_escalate()
            to_warn._sla_warn()
            self.env.flush_all()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            # A ticket of the batch was written by another transaction (an agent, the
            # mail gateway) after ours started: nothing of the batch is kept; the cron
            # runs again at once, in a fresh transaction.
            _logger.info("SLA cron: collided with another transaction (%s), retrying", error.pgcode)
            self.env["ir.cron"]._toperp_retry_now("toperp_helpdesk_sla.ir_cron_sla_warnings")
            return 0
        if len(rows) >= batch_size:
            self.env.ref("toperp_helpdesk_sla.ir_cron_sla_warnings")._trigger()
        return len(rows)

    def _sla_target_label(self):
        self.ensure_one()
        return dict(self._fields["target"]._description_selection(self.env))[self.target]

    @api.model
    def _sla_recipient_env(self, user):
        """The environment in which an automatic text for ``user`` is written: their
        language (Vietnamese, the support language, by default) and time zone (the
        office's by default). The cron runs with neither."""
        lang = user.lang or self.env["toperp.helpdesk.ticket"]._default_customer_lang() or "en_US"
        return self.with_context(lang=lang, tz=user.tz or DEFAULT_TZ).env

    def _sla_format_deadline(self):
        """The deadline in the reader's time zone and language (this environment's)."""
        self.ensure_one()
        return tools.format_datetime(self.env, self.deadline, tz=self.env.context.get("tz") or DEFAULT_TZ,
                                     dt_format="short")

    def _sla_warn(self):
        """Warn the assignee (or the team manager if nobody is assigned) once, in their
        language; the activity is due on the deadline's day where they are."""
        self.write({"warned": True})
        activity_type = self.env.ref("toperp_helpdesk_sla.mail_activity_type_sla_warning")
        activities, bodies = [], {}
        for status in self:
            ticket = status.ticket_id
            user = ticket.user_id or ticket.team_id.manager_id
            reader = status.with_env(self._sla_recipient_env(user))
            summary = reader.env._(
                "%(target)s due %(deadline)s",
                target=reader._sla_target_label(),
                deadline=reader._sla_format_deadline(),
            )
            bodies[ticket.id] = bodies.get(ticket.id, Markup()) + Markup("<p>%s</p>") % reader.env._(
                "SLA warning: %(summary)s (%(who)s warned).",
                summary=summary,
                who=user.name or reader.env._("nobody"),
            )
            if user:
                activities.append(reader._sla_activity_values(activity_type, user, summary))
        self._sla_log_and_schedule(bodies, activities)

    def _sla_escalate(self):
        """Mark breached and escalate to the team manager once: a chatter note and an
        activity on each ticket, and one notification (inbox or e-mail) per manager
        listing the tickets that breached in this run; each in the manager's language."""
        self.write({"state": "breached", "warned": True, "escalated": True})
        activity_type = self.env.ref("toperp_helpdesk_sla.mail_activity_type_sla_breach")
        activities, bodies, digests = [], {}, defaultdict(list)
        for status in self:
            ticket = status.ticket_id
            user = ticket.team_id.manager_id or ticket.user_id
            reader = status.with_env(self._sla_recipient_env(user))
            summary = reader.env._(
                "%(target)s breached (deadline %(deadline)s)",
                target=reader._sla_target_label(),
                deadline=reader._sla_format_deadline(),
            )
            bodies[ticket.id] = bodies.get(ticket.id, Markup()) + Markup("<p>%s</p>") % reader.env._(
                "SLA breached: %(summary)s. Escalated to %(who)s.",
                summary=summary,
                who=user.name or reader.env._("nobody"),
            )
            if user:
                activities.append(reader._sla_activity_values(activity_type, user, summary))
                digests[ticket.team_id, user].append((ticket, summary))
        self._sla_log_and_schedule(bodies, activities)
        for (team, user), lines in digests.items():
            env = self._sla_recipient_env(user)
            items = Markup().join(
                Markup("<li><a href='/odoo/action-toperp_helpdesk.toperp_helpdesk_ticket_action/%s'>%s</a>: %s</li>")
                % (ticket.id, ticket.display_name, summary)
                for ticket, summary in lines
            )
            (team or self.env["toperp.helpdesk.team"]).with_env(env).message_notify(
                partner_ids=user.partner_id.ids,
                subject=env._("SLA breached on %(count)s ticket(s)", count=len(lines)),
                body=Markup("<p>%s</p><ul>%s</ul>") % (env._("These tickets breached their SLA:"), items),
                model="toperp.helpdesk.team" if team else False,
                res_id=team.id if team else False,
            )

    def _sla_activity_values(self, activity_type, user, summary):
        """An activity for ``user`` due on the deadline's date in this environment's
        time zone (the user's): not the UTC date, which is yesterday in Vietnam until
        07:00 and made every warning overdue at once."""
        self.ensure_one()
        return {
            "res_model_id": self.env["ir.model"]._get_id("toperp.helpdesk.ticket"),
            "res_id": self.ticket_id.id,
            "activity_type_id": activity_type.id,
            "summary": summary,
            "user_id": user.id,
            "date_deadline": fields.Date.context_today(self, self.deadline),
        }

    def _sla_log_and_schedule(self, bodies, activities):
        """Chatter notes and activities, in batch and without one e-mail each."""
        Ticket = self.env["toperp.helpdesk.ticket"].sudo()
        if bodies:
            Ticket.browse(list(bodies))._message_log_batch(bodies, message_type="notification")
        if activities:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activities)
