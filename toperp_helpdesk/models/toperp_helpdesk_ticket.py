import logging
from collections import defaultdict

from odoo import api, fields, models, tools

from ..tools import intake
from .toperp_helpdesk_severity import SEVERITY_CODES

_logger = logging.getLogger(__name__)

CHANNELS = [
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("phone", "Phone"),
    ("chat", "Chat"),
    ("callback", "Call-back"),
    ("backend", "Backend"),
]
# Tickets closed by the auto-close cron in the current transaction (precommit data,
# read by _track_template: their "solved" stage e-mail is not sent).
AUTOCLOSED_KEY = "toperp_helpdesk.autoclosed_ticket_ids"


class ToperpHelpdeskTicket(models.Model):
    """A support request. Its mail behaviour (gateway, acknowledgement, notifications)
    is in toperp_helpdesk_ticket_mail.py; the acknowledgements of e-mailed tickets are
    sent by the intake job (toperp_helpdesk_intake.py)."""

    _name = "toperp.helpdesk.ticket"
    _description = "Helpdesk Ticket"
    _inherit = ["mail.thread.cc", "mail.activity.mixin"]
    _order = "is_closed, severity_rank desc, create_date, id"
    _rec_names_search = ["number", "name"]
    _primary_email = "partner_email"
    _check_company_auto = True

    @api.model
    def _toperp_record(self, model, xmlid):
        """The record ``xmlid`` of ``model`` (empty when it is gone), as ``env.ref``
        finds it but without its existence query: for the records every new ticket
        needs (ids come from the registry cache of ir.model.data)."""
        res_id = self.env["ir.model.data"]._xmlid_to_res_id(xmlid, raise_if_not_found=False)
        return self.env[model].browse(res_id or ())

    def _default_team_id(self):
        team_id = self.env.context.get("default_team_id")
        if team_id:
            return self.env["toperp.helpdesk.team"].browse(team_id)
        return self.env["toperp.helpdesk.team"].search(
            [("company_id", "in", [self.env.company.id, False])], limit=1
        )

    def _default_severity_id(self):
        Severity = self.env["toperp.helpdesk.severity"]
        return self._toperp_record(Severity._name, "toperp_helpdesk.severity_low") or Severity.search(
            [], order="sequence", limit=1
        )

    def _default_stage_id(self):
        team = self._default_team_id()
        if team:
            return team._stage_new()
        return self.env["toperp.helpdesk.stage"].search([("is_closed", "=", False)], limit=1)

    number = fields.Char(
        string="Reference", readonly=True, copy=False, index="trigram", default=lambda self: self.env._("New")
    )
    name = fields.Char(string="Title", required=True, tracking=True, index="trigram")
    description = fields.Html(
        index="trigram", help="Path/steps that lead to the error, or the request to clarify."
    )
    affected_url = fields.Char(string="Affected URL", help="Full URL of the page where the error shows.")
    media_urls = fields.Text(
        string="Media Links",
        compute="_compute_media_urls",
        store=True,
        precompute=True,
        help="Screen recordings, videos and screenshots linked in the ticket (Loom, YouTube, images…).",
    )
    customer_followup = fields.Text(
        string="Customer Additions",
        readonly=True,
        copy=False,
        help="What the customer sent by reply while the report was incomplete (quoted text removed).",
    )
    has_evidence_attachment = fields.Boolean(
        string="Has Screenshot/Video", copy=False, help="An image or video file is attached."
    )
    missing_info = fields.Char(
        compute="_compute_missing_info",
        store=True,
        precompute=True,
        help="What the report still lacks, among: title steps evidence.",
    )
    is_complete = fields.Boolean(compute="_compute_missing_info", store=True, precompute=True, string="Complete")
    missing_info_label = fields.Char(
        string="Missing", compute="_compute_missing_info_label", help="What the report still lacks."
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", tracking=True, index=True, check_company=True
    )
    commercial_partner_id = fields.Many2one(
        related="partner_id.commercial_partner_id", store=True, precompute=True, index=True,
        string="Customer Company",
    )
    partner_name = fields.Char(string="Contact Name")
    partner_email = fields.Char(
        string="Contact E-mail", compute="_compute_partner_contact", store=True, readonly=False, precompute=True,
        index="trigram",  # the search view's Customer field: "customer or e-mail contains"
    )
    partner_phone = fields.Char(
        string="Contact Phone", compute="_compute_partner_contact", store=True, readonly=False, precompute=True
    )
    support_plan = fields.Selection(related="commercial_partner_id.toperp_support_plan", store=True, precompute=True)
    support_suspended = fields.Boolean(
        related="commercial_partner_id.toperp_support_suspended", store=True, precompute=True,
        string="Customer Suspended",
    )
    severity_id = fields.Many2one(
        "toperp.helpdesk.severity",
        required=True,
        tracking=True,
        default=_default_severity_id,
        ondelete="restrict",
        index=True,
    )
    severity_description = fields.Text(related="severity_id.description", string="Severity Criteria")
    # Copies of the severity's code and rank (list order, SLA targets), taken from the
    # registry cache that every new ticket reads anyway (triage): as related fields they
    # fetched the severity's row, translations included, for each new ticket: one query
    # (tests/test_creation_query_count.py).
    severity_code = fields.Selection(
        SEVERITY_CODES,
        compute="_compute_severity_copies",
        store=True,
        precompute=True,
        help="Stable code used by SLA policies, the portal and integrations.",
    )
    severity_rank = fields.Integer(
        compute="_compute_severity_copies",
        store=True,
        precompute=True,
        help="Rank: higher is more urgent.",
    )
    suggested_severity_id = fields.Many2one(
        "toperp.helpdesk.severity",
        compute="_compute_suggested_severity_id",
        store=True,
        precompute=True,
        help="Severity the policy's criteria suggest from the title and description.",
    )
    channel = fields.Selection(CHANNELS, required=True, default="backend", tracking=True, index=True)
    service_type_id = fields.Many2one(
        "toperp.helpdesk.service.type",
        compute="_compute_service_type_id",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
    )
    team_id = fields.Many2one(
        "toperp.helpdesk.team", default=_default_team_id, tracking=True, index=True, check_company=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Assigned to",
        tracking=True,
        index=True,
        check_company=True,
        domain="[('share', '=', False)]",
    )
    stage_id = fields.Many2one(
        "toperp.helpdesk.stage",
        tracking=True,
        index=True,
        copy=False,
        ondelete="restrict",
        default=_default_stage_id,
        group_expand="_read_group_stage_ids",
        domain="['|', ('team_ids', '=', False), ('team_ids', 'in', team_id)]",
    )
    is_closed = fields.Boolean(related="stage_id.is_closed", store=True, precompute=True, index=True)
    tag_ids = fields.Many2many("toperp.helpdesk.tag", string="Tags")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    scope_reason_id = fields.Many2one(
        "toperp.helpdesk.scope.reason", string="Out-of-scope Reason", tracking=True, copy=False, index=True
    )
    is_out_of_scope = fields.Boolean(compute="_compute_is_out_of_scope", store=True, precompute=True)
    maintenance_id = fields.Many2one(
        "toperp.helpdesk.maintenance",
        string="During Maintenance",
        copy=False,
        index="btree_not_null",
        help="Opened during this announced maintenance window: possibly out of scope.",
    )
    # A colour index: never summed (the kanban would add SUM(color) to its group counts).
    color = fields.Integer(aggregator=False)
    first_response_date = fields.Datetime(
        string="First Agent Reply", readonly=True, copy=False, help="First public reply of an agent."
    )
    reported_date = fields.Datetime(
        string="Reported On",
        required=True,
        copy=False,
        default=fields.Datetime.now,
        help="When the customer reported the problem (the e-mail's arrival, the call, the "
        "visitor's first chat message): the SLA clocks start there.",
    )
    last_customer_message_date = fields.Datetime(readonly=True, copy=False)
    last_agent_reply_date = fields.Datetime(readonly=True, copy=False)
    last_stage_update = fields.Datetime(
        readonly=True, copy=False, default=fields.Datetime.now, index=True
    )
    close_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    autoclose_reminder_date = fields.Datetime(readonly=True, copy=False)
    ack_sent = fields.Boolean(
        string="Acknowledged",
        readonly=True,
        copy=False,
        help="The customer's acknowledgement was sent or queued (or the customer asked for "
        "no automatic answer).",
    )
    hotline = fields.Char(related="team_id.hotline")

    _sql_constraints = [
        ("number_company_uniq", "unique(number, company_id)", "Ticket references must be unique."),
    ]

    @api.model
    @tools.ormcache("company_id")
    def _number_sequence_id(self, company_id):
        """The sequence of ticket references of a company (as ``next_by_code`` finds it):
        one query less per new ticket. Cache cleared by ir.sequence (cached_config.py)."""
        return self.env["ir.sequence"].sudo().search(
            [("code", "=", self._name), ("company_id", "in", [company_id, False])],
            order="company_id", limit=1,
        ).id

    def init(self):
        # The mail gateway's loop detection counts each sender's tickets of the last
        # hours (mail.thread._detect_loop_sender): without it, a scan of every ticket.
        tools.create_index(
            self.env.cr, "toperp_helpdesk_ticket_create_date_index", self._table, ["create_date"]
        )
        # Least-loaded assignment counts each member's open tickets: not their history.
        tools.create_index(
            self.env.cr, "toperp_helpdesk_ticket_open_user_index", self._table, ["user_id"],
            where="is_closed IS NOT TRUE",
        )
        return super().init()

    # ------------------------------------------------------------------
    # Compute
    # ------------------------------------------------------------------

    @api.depends("description", "affected_url", "customer_followup")
    def _compute_media_urls(self):
        for ticket in self:
            text = intake.html_to_text(ticket.description)
            links = intake.media_urls(
                text, " ".join(intake.hrefs(ticket.description)), ticket.affected_url, ticket.customer_followup
            )
            ticket.media_urls = "\n".join(links) or False

    @api.depends("name", "description", "affected_url", "customer_followup", "has_evidence_attachment")
    def _compute_missing_info(self):
        for ticket in self:
            missing = ticket._missing_info_codes(ticket.has_evidence_attachment)
            ticket.missing_info = " ".join(missing) or False
            ticket.is_complete = not missing

    @api.depends("missing_info")
    @api.depends_context("lang")
    def _compute_missing_info_label(self):
        labels = {
            "title": self.env._("Title"),
            "steps": self.env._("Steps"),
            "evidence": self.env._("Screenshot/video"),
        }
        for ticket in self:
            codes = (ticket.missing_info or "").split()
            ticket.missing_info_label = ", ".join(labels.get(code, code) for code in codes) or False

    def _missing_info_codes(self, has_evidence_attachment):
        """What the report lacks, were its evidence flag ``has_evidence_attachment``."""
        self.ensure_one()
        return intake.missing_info(
            self.name,
            self.description,
            extra_urls=[self.affected_url],
            has_evidence_attachment=has_evidence_attachment,
            extra_text=self.customer_followup,
        )

    @api.depends("severity_id.code", "severity_id.sequence")
    def _compute_severity_copies(self):
        by_id = {
            severity_id: (code, rank)
            for code, (severity_id, rank, _words) in self.env["toperp.helpdesk.severity"]._triage_data().items()
        }
        for ticket in self:
            # an archived severity is not in the cache
            code, rank = by_id.get(ticket.severity_id.id) or (ticket.severity_id.code, ticket.severity_id.sequence)
            ticket.severity_code = code
            ticket.severity_rank = rank

    @api.depends("name", "description")
    def _compute_suggested_severity_id(self):
        rules = self.env["toperp.helpdesk.severity"]._triage_rules()
        for ticket in self:
            text = f"{ticket.name or ''}\n{intake.html_to_text(ticket.description)}"
            ticket.suggested_severity_id = rules.suggest(text)

    @api.depends("partner_id")
    def _compute_partner_contact(self):
        for ticket in self:
            if ticket.partner_id.email:
                ticket.partner_email = ticket.partner_id.email
            if ticket.partner_id.phone or ticket.partner_id.mobile:
                ticket.partner_phone = ticket.partner_id.phone or ticket.partner_id.mobile

    @api.depends("partner_id")
    def _compute_service_type_id(self):
        for ticket in self:
            bought = ticket.partner_id.commercial_partner_id.toperp_service_type_ids
            if bought and ticket.service_type_id not in bought:
                ticket.service_type_id = bought[:1]

    @api.depends("scope_reason_id")
    def _compute_is_out_of_scope(self):
        for ticket in self:
            ticket.is_out_of_scope = bool(ticket.scope_reason_id)

    @api.model
    def _read_group_stage_ids(self, stages, domain):
        team_id = self.env.context.get("default_team_id")
        stage_domain = [("team_ids", "=", False)]
        if team_id:
            stage_domain = ["|", ("team_ids", "=", False), ("team_ids", "in", [team_id])]
        return stages.search(stage_domain)

    @api.depends("number", "name")
    def _compute_display_name(self):
        for ticket in self:
            # A ticket being typed has no title yet: "New", not "New False".
            ticket.display_name = " ".join(part for part in (ticket.number, ticket.name) if part)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        """Numbered from the company's sequence, in the team's first stage, with an agent
        (``_assign_agents_vals``): all in the INSERT. The agents are told in their Odoo
        inbox (``_notify_assignment``), unless the caller asks Odoo not to notify
        (``mail_auto_subscribe_no_notify``: the mail gateway leaves it to the intake job)."""
        now = fields.Datetime.now()
        Stage = self.env["toperp.helpdesk.stage"]
        # The customers' support terms, before the precomputed fields read them (the
        # e-mail path has them already: _opening_values).
        partner_ids = {vals["partner_id"] for vals in vals_list if vals.get("partner_id")}
        self.env["res.partner"].sudo().browse(partner_ids)._toperp_company_support_terms()
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            sequence = self.env["ir.sequence"].sudo().browse(self._number_sequence_id(company.id))
            vals["number"] = (sequence and sequence.with_company(company)._next()) or self.env._("New")
            if vals.get("team_id") and not vals.get("stage_id"):
                vals["stage_id"] = self.env["toperp.helpdesk.team"].browse(vals["team_id"])._stage_new().id
            if vals.get("stage_id") and "close_date" not in vals and vals["stage_id"] in Stage._closed_ids_cached():
                vals["close_date"] = now
            if vals.get("channel") == "phone" and not vals.get("first_response_date") and self.env.user._is_internal():
                # The agent logging a hotline call has spoken to the customer: that is
                # the first response.
                vals["first_response_date"] = vals.get("reported_date") or now
            if vals.get("partner_email"):
                # The address, not "Name <address>" (as mail.thread's message_new gives it).
                address = tools.parse_contact_from_email(vals["partner_email"])[1]
                vals["partner_email"] = address or vals["partner_email"]
        self._assign_agents_vals(vals_list)
        notify = not self.env.context.get("mail_auto_subscribe_no_notify")
        tickets = super(ToperpHelpdeskTicket, self.with_context(mail_auto_subscribe_no_notify=True)).create(vals_list)
        tickets = tickets.with_env(self.env)
        if notify:
            tickets.filtered(lambda t: t.user_id and t.user_id != self.env.user)._notify_assignment()
        Maintenance = self.env["toperp.helpdesk.maintenance"].sudo()
        if Maintenance._announced_at(now):
            for ticket, vals in zip(tickets, vals_list, strict=True):
                if "maintenance_id" not in vals:
                    ticket.maintenance_id = Maintenance._find_announced(now, ticket.company_id, ticket.service_type_id)
        return tickets

    def write(self, vals):
        closing = False
        if "stage_id" in vals:
            now = fields.Datetime.now()
            closing = self.env["toperp.helpdesk.stage"].browse(vals["stage_id"]).is_closed
            vals = dict(vals, last_stage_update=now, autoclose_reminder_date=False)
            if not closing:
                vals["close_date"] = False
        res = super().write(vals)
        if closing:
            # Tickets moving between closing stages keep their first closing date.
            self.filtered(lambda t: not t.close_date).write({"close_date": fields.Datetime.now()})
        return res

    # ------------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------------

    @api.model
    def _dedicated_agent(self, partner):
        """The active dedicated agent of ``partner``'s company on the Priority plan, if any."""
        commercial = partner.commercial_partner_id
        dedicated = commercial.toperp_dedicated_user_id
        if commercial.toperp_support_plan == "priority" and dedicated and dedicated.active:
            return dedicated
        return self.env["res.users"]

    @api.model
    def _assign_agents_vals(self, vals_list):
        """Set ``user_id`` in the creation values of new tickets that would have no
        agent: the customer's dedicated agent (Priority plan), else the team's
        round-robin or least-loaded member (defaults taken into account)."""
        Stage = self.env["toperp.helpdesk.stage"]
        by_team = defaultdict(list)
        for vals in vals_list:
            # user_id has no default of ours: default_get (costly) only for the others.
            missing = [fname for fname in ("partner_id", "team_id", "stage_id") if fname not in vals]
            full = {**self.default_get(missing), **vals} if missing else vals
            if "user_id" not in full and self.env.context.get("default_user_id"):
                full["user_id"] = self.env.context["default_user_id"]
            if full.get("user_id") or full.get("stage_id") in Stage._closed_ids_cached():
                continue
            dedicated = self._dedicated_agent(self.env["res.partner"].browse(full.get("partner_id")))
            if dedicated:
                vals["user_id"] = dedicated.id
            elif full.get("team_id"):
                by_team[full["team_id"]].append(vals)
        for team_id, team_vals in by_team.items():
            team = self.env["toperp.helpdesk.team"].sudo().browse(team_id)
            for vals, user in zip(team_vals, team._next_assignees(len(team_vals)), strict=True):
                if user:
                    vals["user_id"] = user.id

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_accept_suggested_severity(self):
        for ticket in self.filtered("suggested_severity_id"):
            ticket.severity_id = ticket.suggested_severity_id

    def action_log_call(self):
        """The hotline dialog's button (the call is saved): the ticket number to read to
        the caller, and the queue behind brought up to date."""
        self.ensure_one()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "sticky": True,
                "title": self.env._("Call logged as %(number)s", number=self.number),
                "message": self.env._(
                    "Read the reference %(number)s to the caller: %(title)s", number=self.number, title=self.name
                ),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_assign_to_me(self):
        self.write({"user_id": self.env.user.id})

    def action_out_of_scope(self):
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_scope_wizard_action")
        action["context"] = {"active_ids": self.ids, "active_model": self._name}
        return action

    def action_reopen(self):
        for ticket in self.filtered("is_closed"):
            stage = ticket.team_id._stage_in_progress() if ticket.team_id else self.env[
                "toperp.helpdesk.stage"
            ].search([("is_closed", "=", False), ("pauses_sla", "=", False)], limit=1)
            ticket.write({"stage_id": stage.id, "scope_reason_id": False})
