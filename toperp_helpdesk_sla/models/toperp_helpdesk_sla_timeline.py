from markupsafe import Markup

from odoo import api, fields, models, tools
from odoo.tools.misc import formatLang

from .toperp_helpdesk_sla_status import DEFAULT_TZ


class ToperpHelpdeskSlaStatus(models.Model):
    """The calculation of a clock, told: "why is my deadline Monday 16:30?"."""

    _inherit = "toperp.helpdesk.sla.status"

    def _sla_timeline_lines(self, stage_history=None):
        """The clock's story, computed now from the clock, its calendar and the ticket's
        stage history (nothing is stored): started, what is counted, holidays skipped
        by name, extra working days counted, pauses while waiting on the customer, a
        restart by a more urgent severity, and the outcome. In this environment's
        language and time zone (the office's when none)."""
        self.ensure_one()
        env = self.env
        tz = env.context.get("tz") or DEFAULT_TZ
        status = self.sudo()
        calendar = status.calendar_id

        def when(moment):
            return tools.format_datetime(env, moment, tz=tz, dt_format="short")

        def day(value):
            return tools.format_date(env, value)

        def hours(value):
            value = round(value or 0.0, 2)
            digits = next(digits for digits in (0, 1, 2) if round(value, digits) == value)
            return formatLang(env, value, digits=digits)

        lines = [env._("Started %(when)s.", when=when(status.origin_date or status.date_start))]
        if status.raised_date:
            lines.append(env._(
                "Restarted %(when)s: a more urgent severity or plan counts its new target from then.",
                when=when(status.raised_date),
            ))
        if calendar:
            lines.append(env._(
                "%(hours)s business hours allowed, counted on %(calendar)s: nights, lunch breaks "
                "and weekends are skipped.",
                hours=hours(status.target_hours), calendar=calendar.name,
            ))
        else:
            lines.append(env._("%(hours)s hours allowed, counted 24/7.", hours=hours(status.target_hours)))
        end = status.reached_date or max(filter(None, [status.deadline, fields.Datetime.now()]))
        if calendar and end > status.date_start:
            leaves = env["resource.calendar.leaves"].sudo().search_fetch(
                [
                    ("calendar_id", "in", [False, calendar.id]),
                    ("resource_id", "=", False),
                    ("time_type", "=", "leave"),
                    ("date_from", "<", end),
                    ("date_to", ">", status.date_start),
                ],
                ["name", "date_from", "date_to"],
                order="date_from",
            )
            for leave in leaves:
                local = status.with_context(tz=calendar.tz or tz)
                first = fields.Datetime.context_timestamp(local, leave.date_from).date()
                last = fields.Datetime.context_timestamp(local, leave.date_to).date()
                dates = day(first) if first == last else f"{day(first)} – {day(last)}"
                lines.append(env._("Skipped holiday: %(name)s (%(dates)s).",
                                   name=leave.name or env._("Time off"), dates=dates))
            start_day, end_day = status.date_start.date(), end.date()
            for workday in calendar.toperp_extra_workday_ids.filtered(lambda d: start_day <= d.date <= end_day):
                lines.append(env._("Counted extra working day: %(name)s (%(date)s).",
                                   name=workday.name, date=day(workday.date)))
        lines += status._sla_timeline_pauses(stage_history, when, hours)
        lines.append(status._sla_timeline_outcome(when, hours))
        return lines

    def _sla_timeline_pauses(self, stage_history, when, hours):
        """The times the clock waited on the customer, from the ticket's tracked stage
        changes; the total paused time when the history does not tell."""
        env = self.env
        Stage = env["toperp.helpdesk.stage"].sudo()
        changes = (stage_history or {}).get(self.ticket_id.id, [])
        spans, since = [], None
        for date, _old, new in changes:
            pausing = Stage.browse(new).pauses_sla
            if pausing and since is None:
                since = date
            elif not pausing and since is not None:
                if date > self.date_start:
                    spans.append((max(since, self.date_start), date))
                since = None
        if self.reached_date:
            spans = [(start, stop) for start, stop in spans if start < self.reached_date]
        lines = [
            env._("Paused from %(start)s to %(end)s while waiting on the customer.", start=when(start), end=when(stop))
            for start, stop in spans
        ]
        if self.state == "paused" and self.pause_start:
            lines.append(env._("Paused since %(when)s while waiting on the customer.", when=when(self.pause_start)))
        elif not lines and self.paused_hours:
            lines.append(env._("Paused for %(hours)s business hours while waiting on the customer.",
                               hours=hours(self.paused_hours)))
        return lines

    def _sla_timeline_outcome(self, when, hours):
        env = self.env
        if self.state == "cancelled":
            return env._("Not applicable (the ticket was closed without it, or is out of scope).")
        if self.reached_date:
            if self.state == "breached":
                return env._("Reached %(when)s, after the deadline %(deadline)s: breached.",
                             when=when(self.reached_date), deadline=when(self.deadline))
            return env._("Met %(when)s, after %(hours)s business hours.",
                         when=when(self.reached_date), hours=hours(self.reached_hours))
        if self.state == "breached":
            return env._("Breached: the deadline was %(deadline)s.", deadline=when(self.deadline))
        if self.state == "paused":
            return env._("The deadline moves on while the clock is paused.")
        if self.deadline:
            return env._("Due %(deadline)s.", deadline=when(self.deadline))
        return env._("No deadline could be found in the calendar.")


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    sla_timeline = fields.Html(
        string="SLA Timeline",
        compute="_compute_sla_timeline",
        sanitize=False,
        help="How each SLA deadline was calculated, in your language and time zone.",
    )

    @api.depends("sla_status_ids.state", "sla_status_ids.deadline", "sla_status_ids.reached_date")
    @api.depends_context("lang", "tz")
    def _compute_sla_timeline(self):
        history = self.sudo()._sla_stage_history() if self.ids else {}
        for ticket in self:
            ticket.sla_timeline = ticket._sla_timeline_html(history)

    def _sla_timeline_html(self, history=None):
        """Each clock with its timeline (``_sla_timeline_lines``), as HTML."""
        self.ensure_one()
        if history is None:
            history = self.sudo()._sla_stage_history()
        labels = dict(self.env["toperp.helpdesk.sla.status"]._fields["target"]._description_selection(self.env))
        html = Markup()
        for status in self.sla_status_ids:
            items = Markup().join(Markup("<li>%s</li>") % line for line in status._sla_timeline_lines(history))
            html += Markup(
                '<div class="o_toperp_sla_timeline" data-target="%s"><strong>%s</strong><ul>%s</ul></div>'
            ) % (status.target, labels.get(status.target, status.target), items)
        return html
