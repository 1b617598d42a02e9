from markupsafe import Markup

from odoo import fields, models

URGENT_CODES = ("high", "critical")


class ToperpHelpdeskTicket(models.Model):
    """Paging the on-call roster: a ticket that is, becomes or is suggested High or
    Critical outside office hours pages the agents on duty, once."""

    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    oncall_paged_date = fields.Datetime(
        string="On-call Paged On", readonly=True, copy=False,
        help="When the agents on call were paged for this ticket (once per ticket).",
    )

    def write(self, vals):
        res = super().write(vals)
        # A raise, or details that make the triage suggest High/Critical.
        if {"severity_id", "name", "description"}.intersection(vals):
            self._notify_oncall()
        return res

    def _notify_oncall(self, when=None):
        """Page the on-call agents (a note that notifies them, and an activity each)
        about the open tickets that are High or Critical, or that the triage suggests
        High or Critical, outside office hours; each ticket once. Every agent reads it
        in their language, dated in their time zone."""
        office = self._toperp_record("resource.calendar", "toperp_helpdesk_sla.calendar_office_hours")
        todo = self.filtered(lambda t: not t.oncall_paged_date and not t.is_closed)
        if not office or not todo:
            return
        now = when or fields.Datetime.now()
        if self.env["resource.calendar"]._toperp_clock_for(office).is_working(now):
            return
        urgent_ids = {
            severity_id
            for code, (severity_id, _rank, _words) in self.env["toperp.helpdesk.severity"]._triage_data().items()
            if code in URGENT_CODES
        }
        urgent = todo.filtered(
            lambda t: t.severity_id.id in urgent_ids or t.suggested_severity_id.id in urgent_ids
        )
        if not urgent:
            return
        Oncall = self.env["toperp.helpdesk.oncall"].sudo()
        Status = self.env["toperp.helpdesk.sla.status"]
        activity_type = self.env.ref("toperp_helpdesk_sla.mail_activity_type_oncall")
        activities = []
        for ticket in urgent.sudo():
            users = Oncall._on_duty(now, ticket.company_id)
            if not users:
                continue
            ticket.oncall_paged_date = now
            by_lang = {}
            for user in users:
                by_lang.setdefault(Status._sla_recipient_env(user).lang, []).append(user)
            for group in by_lang.values():
                env = Status._sla_recipient_env(group[0])
                reader = ticket.with_env(env)
                ticket.message_post(
                    body=Markup("<p>%s</p>") % reader._oncall_text(urgent_ids),
                    partner_ids=[user.partner_id.id for user in group],
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
                activities += [
                    {
                        "res_model_id": self.env["ir.model"]._get_id(self._name),
                        "res_id": ticket.id,
                        "activity_type_id": activity_type.id,
                        "summary": env._("Urgent ticket outside office hours"),
                        "user_id": user.id,
                        "date_deadline": fields.Date.context_today(
                            reader.with_env(Status._sla_recipient_env(user)), now
                        ),
                    }
                    for user in group
                ]
        if activities:
            self.env["mail.activity"].sudo().with_context(mail_activity_quick_update=True).create(activities)

    def _oncall_text(self, urgent_ids):
        """The page, in this environment's language."""
        self.ensure_one()
        if self.severity_id.id in urgent_ids:
            return self.env._(
                "On-call: %(severity)s ticket %(number)s arrived outside office hours.",
                severity=self.severity_id.name,
                number=self.number,
            )
        return self.env._(
            "On-call: ticket %(number)s is filed %(severity)s but looks %(suggested)s; "
            "it arrived outside office hours: please triage it.",
            number=self.number,
            severity=self.severity_id.name,
            suggested=self.suggested_severity_id.name,
        )
