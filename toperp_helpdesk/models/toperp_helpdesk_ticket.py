import base64
import logging
from collections import defaultdict

import psycopg2

from odoo import api, fields, models, tools
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..tools import intake

_logger = logging.getLogger(__name__)

CHANNELS = [
    ("email", "E-mail"),
    ("portal", "Portal"),
    ("phone", "Phone"),
    ("chat", "Chat"),
    ("callback", "Call-back"),
    ("backend", "Backend"),
]
# Channels whose tickets get an acknowledgement and, when incomplete, a request
# for what is missing (staff fill phone/backend tickets themselves).
CUSTOMER_CHANNELS = ("email", "portal")
# Tickets closed by the auto-close cron in the current transaction (precommit data).
AUTOCLOSED_KEY = "toperp_helpdesk.autoclosed_ticket_ids"
# Context key: tickets created by the mail gateway leave their acknowledgement and their
# agent's assignment notice to the intake job (cron ``ir_cron_ticket_intake``).
DEFER_INTAKE_KEY = "toperp_defer_intake"
# Precommit data key: the intake job was triggered in this transaction.
INTAKE_TRIGGERED_KEY = "toperp_helpdesk.intake_triggered"
# Context key (a ticket id) on the ticket the mail gateway just created: the e-mail that
# opened it, posted next, changes nothing more (message_new did it at creation).
GATEWAY_CREATED_KEY = "toperp_gateway_created_ticket_id"
# Context key: partners copied on the e-mail that opens a ticket, subscribed with its
# customer and agent (one insert of followers).
CC_FOLLOWERS_KEY = "toperp_cc_follower_ids"


class ToperpHelpdeskTicket(models.Model):
    _name = "toperp.helpdesk.ticket"
    _description = "Helpdesk Ticket"
    _inherit = ["mail.thread.cc", "mail.activity.mixin"]
    _order = "is_closed, severity_rank desc, create_date, id"
    _rec_names_search = ["number", "name"]
    _primary_email = "partner_email"
    _check_company_auto = True

    @api.model
    def _toperp_ref(self, xmlid):
        """``env.ref`` without its existence query, for the records every new ticket
        needs (ids from the registry cache of ir.model.data, which forgets deleted
        records); empty when the record is gone."""
        res_model, res_id = self.env["ir.model.data"]._xmlid_to_res_model_res_id(xmlid, raise_if_not_found=False)
        return self.env[res_model].browse(res_id) if res_model else self.env["res.partner"].browse()

    def _default_team_id(self):
        team_id = self.env.context.get("default_team_id")
        if team_id:
            return self.env["toperp.helpdesk.team"].browse(team_id)
        return self.env["toperp.helpdesk.team"].search(
            [("company_id", "in", [self.env.company.id, False])], limit=1
        )

    def _default_severity_id(self):
        return self._toperp_ref("toperp_helpdesk.severity_low") or self.env[
            "toperp.helpdesk.severity"
        ].search([], order="sequence", limit=1)

    def _default_stage_id(self):
        team = self._default_team_id()
        if team:
            return team._stage_new()
        return self.env["toperp.helpdesk.stage"].search([("is_closed", "=", False)], limit=1)

    number = fields.Char(
        string="Reference", readonly=True, copy=False, index="trigram", default=lambda self: self.env._("New")
    )
    name = fields.Char(string="Title", required=True, tracking=True, index="trigram")
    description = fields.Html(help="Path/steps that lead to the error, or the request to clarify.")
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
        string="Contact E-mail", compute="_compute_partner_contact", store=True, readonly=False, precompute=True
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
    severity_code = fields.Selection(related="severity_id.code", store=True, precompute=True, string="Severity Code")
    severity_rank = fields.Integer(related="severity_id.sequence", store=True, precompute=True, string="Severity Rank")
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
    color = fields.Integer()
    first_response_date = fields.Datetime(
        string="First Agent Reply", readonly=True, copy=False, help="First public reply of an agent."
    )
    last_customer_message_date = fields.Datetime(readonly=True, copy=False)
    last_agent_reply_date = fields.Datetime(readonly=True, copy=False)
    last_stage_update = fields.Datetime(
        readonly=True, copy=False, default=fields.Datetime.now, index=True
    )
    close_date = fields.Datetime(string="Closed On", readonly=True, copy=False)
    autoclose_reminder_date = fields.Datetime(readonly=True, copy=False)
    ack_sent = fields.Boolean(readonly=True, copy=False)
    hotline = fields.Char(related="team_id.hotline")

    _sql_constraints = [
        ("number_company_uniq", "unique(number, company_id)", "Ticket references must be unique."),
    ]

    @api.model
    @tools.ormcache("company_id")
    def _number_sequence_id(self, company_id):
        """The sequence of ticket references of a company (as ``next_by_code`` finds it),
        from the registry cache: sequences clear it when their code, company or active
        flag change (cached_config.py)."""
        return self.env["ir.sequence"].sudo().search(
            [("code", "=", "toperp.helpdesk.ticket"), ("company_id", "in", [company_id, False])],
            order="company_id", limit=1,
        ).id

    def _check_company(self, fnames=None):
        # With a single company, nothing can belong to another one: skip the check,
        # a filtered_domain() per relational field of every new ticket.
        if self.env["res.company"]._toperp_single_company():
            return None
        return super()._check_company(fnames=fnames)

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
            ticket.display_name = f"{ticket.number} {ticket.name}" if ticket.number else ticket.name

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        now = fields.Datetime.now()
        Maintenance = self.env["toperp.helpdesk.maintenance"].sudo()
        for vals in vals_list:
            company = self.env["res.company"].browse(vals.get("company_id")) or self.env.company
            sequence = self.env["ir.sequence"].sudo().browse(self._number_sequence_id(company.id))
            vals["number"] = (sequence and sequence.with_company(company)._next()) or self.env._("New")
            if vals.get("team_id") and not vals.get("stage_id"):
                vals["stage_id"] = self.env["toperp.helpdesk.team"].browse(vals["team_id"])._stage_new().id
            if vals.get("stage_id") and "close_date" not in vals:
                if vals["stage_id"] in self.env["toperp.helpdesk.stage"]._closed_ids_cached():
                    vals["close_date"] = now
        defer = self.env.context.get(DEFER_INTAKE_KEY)
        if defer:
            for vals in vals_list:
                self._gateway_acknowledgement_vals(vals)
        # The agent is part of the INSERT (no second, tracked write); the assignment
        # notification goes to the agent's inbox (see _message_auto_subscribe_notify),
        # from the intake job for tickets of the mail gateway.
        self._assign_agents_vals(vals_list)
        ctx = {"toperp_assign_notify_inbox": True, "mail_auto_subscribe_no_notify": bool(defer)}
        tickets = super(ToperpHelpdeskTicket, self.with_context(**ctx)).create(vals_list).with_env(self.env)
        if defer:
            tickets._queue_intake_rows(
                [(ticket, "assign") for ticket in tickets if ticket.user_id and ticket.user_id != self.env.user]
                + [(ticket, "ack") for ticket, vals in zip(tickets, vals_list, strict=True) if vals.get("ack_sent")]
            )
        announced = Maintenance._announced_at(now)
        for ticket, vals in zip(tickets, vals_list, strict=True):
            if announced and "maintenance_id" not in vals:
                window = Maintenance._find_announced(now, ticket.company_id, ticket.service_type_id)
                if window:
                    ticket.maintenance_id = window
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

    def _message_auto_subscribe_followers(self, updated_values, default_subtype_ids):
        """The customer (public subtypes) and the people copied on the e-mail that
        opened the ticket follow it, subscribed in the same insert as the agent."""
        if updated_values.get("user_id"):
            # What super() reads of the agent, rather than the whole res.users row
            # (with its res.partner columns).
            self.env["res.users"].sudo().browse(updated_values["user_id"]).fetch(["active", "partner_id"])
        res = super()._message_auto_subscribe_followers(updated_values, default_subtype_ids)
        if self.env.context.get("mail_auto_subscribe_no_notify"):
            # Nobody is notified now (the intake job tells the agent): no template, and
            # no reading of the agent's language for it.
            res = [(partner_id, subtypes, False) for partner_id, subtypes, _template in res]
        partner = self.env["res.partner"].browse(updated_values.get("partner_id") or [])
        internal = set(self.env["mail.message.subtype"]._get_auto_subscription_subtypes(self._name)[2])
        if partner.active:
            res.append((partner.id, set(default_subtype_ids) - internal, False))
        subscribed = {partner_id for partner_id, _subtypes, _template in res}
        for cc in self.env["res.partner"].browse(self.env.context.get(CC_FOLLOWERS_KEY) or []):
            if cc.id not in subscribed:
                # As message_subscribe() would: customers without internal subtypes.
                subtypes = set(default_subtype_ids) - internal if cc.partner_share else set(default_subtype_ids)
                res.append((cc.id, subtypes, False))
        return res

    def _message_auto_subscribe_notify(self, partner_ids, template):
        if self.env.context.get("toperp_assign_notify_inbox"):
            # New tickets arrive in bulk (mail gateway, portal): their agent is told in
            # the Odoo inbox rather than by one more e-mail per ticket.
            self = self.with_context(toperp_notify_inbox_only=True, toperp_assign_notify_inbox=False)
        return super()._message_auto_subscribe_notify(partner_ids, template)

    def _notify_get_recipients(self, message, msg_vals=False, **kwargs):
        recipients = super()._notify_get_recipients(message, msg_vals=msg_vals, **kwargs)
        if self.env.context.get("toperp_notify_inbox_only"):
            for recipient in recipients:
                if recipient["notif"] == "email" and recipient["uid"] and not recipient["share"]:
                    recipient["notif"] = "inbox"
        return recipients

    # ------------------------------------------------------------------
    # Mail gateway
    # ------------------------------------------------------------------

    @api.model
    def message_new(self, msg_dict, custom_values=None):
        values = dict(custom_values or {})
        email_from = msg_dict.get("email_from") or ""
        name, email = tools.parse_contact_from_email(email_from)
        partner = self.env["res.partner"].browse(msg_dict.get("author_id") or [])
        if not partner and email:
            # An unknown sender becomes a contact: Vietnamese is the support language.
            partner = self.env["res.partner"].sudo().create(
                {"name": name or email, "email": email, "lang": self._default_customer_lang()}
            )
            msg_dict["author_id"] = partner.id
        values.setdefault("name", (msg_dict.get("subject") or "").strip() or self.env._("(no subject)"))
        values.setdefault("description", msg_dict.get("body"))
        values.setdefault("channel", "email")
        values["partner_id"] = partner.id
        # What mail.thread.cc and mail.thread.message_new would set, without their
        # fields_get() (≈4 ms on this model, for the name field we always fill): the
        # people in Cc, and the address only (not "Name <address>") as contact e-mail.
        values.setdefault(
            "email_cc", ", ".join(self._mail_cc_sanitized_raw_dict(msg_dict.get("cc")).values())
        )
        if email:
            values.setdefault("partner_email", email)
        # What the e-mail itself brings, set at creation rather than written when it is
        # posted (message_post, next): see _gateway_acknowledgement_vals.
        values.setdefault(
            "has_evidence_attachment", self._gateway_has_evidence(msg_dict.get("attachments") or [])
        )
        values.setdefault("last_customer_message_date", msg_dict.get("date") or fields.Datetime.now())
        cc_partners = self._cc_partners(msg_dict.get("cc"))
        ticket = self.with_context(**{DEFER_INTAKE_KEY: True, CC_FOLLOWERS_KEY: cc_partners.ids}).create(values)
        ticket = ticket.with_env(self.env)
        if ticket.channel != "email":
            return ticket  # an alias that files e-mails under another channel: posted as usual
        return ticket.with_context(**{GATEWAY_CREATED_KEY: ticket.id})

    @api.model
    def _gateway_has_evidence(self, attachments):
        """Whether the e-mail's attachments (``(name, content[, info])``, as parsed by
        the mail gateway) hold a screenshot or a video, with the mimetype the attachment
        will get (XML-like types, SVG included, are stored as plain text)."""
        Attachment = self.env["ir.attachment"]
        for attachment in attachments:
            if len(attachment) < 2 or attachment[1] is None:
                continue
            name, content = attachment[0], attachment[1]
            if isinstance(content, str):
                content = content.encode()
            elif not isinstance(content, bytes):
                continue
            mimetype = Attachment._compute_mimetype({"name": name, "raw": content})
            xml_like = "ht" in mimetype or (
                "xml" in mimetype and not mimetype.startswith("application/vnd.openxmlformats")
            )
            if intake.is_evidence_mimetype(mimetype) and not xml_like:
                return True
        return False

    @api.model
    def _gateway_acknowledgement_vals(self, vals):
        """Creation values of a ticket the mail gateway opens: what its first e-mail
        would change once posted (``_on_customer_message``), in the INSERT: the
        acknowledgement queued for the intake job (``ack_sent``) and, when the report
        lacks information, the team's stage waiting on the customer."""
        if vals.get("channel") != "email" or vals.get("ack_sent"):
            return
        vals["ack_sent"] = True
        if "team_id" not in vals:
            vals["team_id"] = self._default_team_id().id
        team = self.env["toperp.helpdesk.team"].browse(vals["team_id"])
        partner = self.env["res.partner"].browse(vals.get("partner_id"))
        if not team or not partner or not (partner.email or vals.get("partner_email")):
            return
        missing = intake.missing_info(
            vals.get("name"),
            vals.get("description"),
            extra_urls=[vals.get("affected_url")],
            has_evidence_attachment=vals.get("has_evidence_attachment"),
            extra_text=vals.get("customer_followup"),
        )
        waiting = missing and team._stage_waiting()
        if waiting:
            vals["stage_id"] = waiting.id

    @api.model
    def _detect_loop_sender_domain(self, email_from_normalized):
        """The sender's recent tickets (mail gateway's loop guard): found through their
        contact (indexed), rather than by a substring search (``ilike``) over the
        contact e-mail of every recent ticket."""
        return [("partner_id.email_normalized", "=", email_from_normalized)]

    def message_update(self, msg_dict, update_vals=None):
        res = super().message_update(msg_dict, update_vals=update_vals)
        self._subscribe_cc(msg_dict.get("cc"))
        return res

    def _toperp_is_known_correspondent(self, partner):
        """True when ``partner`` may write publicly on the ticket: staff, someone of
        the customer's company, or a follower (people copied by the customer)."""
        self.ensure_one()
        if not partner:
            return False
        if partner.user_ids.filtered(lambda u: not u.share):
            return True
        if self.commercial_partner_id and partner.commercial_partner_id == self.commercial_partner_id:
            return True
        return partner in self.message_partner_ids

    def _subscribe_cc(self, cc):
        """People copied on a customer's e-mail follow the ticket (our own aliases
        never do: ``_mail_find_partner_from_emails`` leaves them out)."""
        if not self:
            return
        partners = self._cc_partners(cc)
        if partners:
            self.message_subscribe(partner_ids=partners.ids)

    def _cc_partners(self, cc):
        """The contacts of the addresses in ``cc`` (created when unknown; never our
        own aliases)."""
        emails = tools.email_split(cc or "")
        if not emails:
            return self.env["res.partner"]
        partners = self._mail_find_partner_from_emails(emails, records=self or None, force_create=True)
        return self.env["res.partner"].union(*[p for p in partners if p])

    def _message_post_after_hook(self, message, msg_values):
        res = super()._message_post_after_hook(message, msg_values)
        if self.env.context.get("toperp_auto_reply") or len(self) != 1:
            return res
        if message.message_type not in ("email", "comment"):
            return res
        if self.env.context.get(GATEWAY_CREATED_KEY) == self.id:
            # The e-mail that opened this ticket: message_new did at creation what it
            # changes (evidence attachment, acknowledgement, waiting on the customer).
            return res
        # Everything a message changes on the ticket goes in one write.
        values = {}
        if not self.has_evidence_attachment and message.attachment_ids.filtered(
            lambda a: intake.is_evidence_mimetype(a.mimetype)
        ):
            values["has_evidence_attachment"] = True
        ticket = self.sudo()
        if message.is_internal or message.subtype_id.internal or not message.subtype_id:
            if values:
                ticket.write(values)
            return res
        author = message.author_id
        is_agent = bool(author.user_ids.filtered(lambda u: not u.share)) and author != self._toperp_ref(
            "base.partner_root"
        )
        if message.subtype_id == self._creation_subtype():
            # The message that opened the ticket (e-mail to the alias), whoever wrote it.
            ticket._on_customer_message(message, values)
        elif is_agent:
            if values:
                ticket.write(values)
            ticket._on_agent_reply(message)
        elif not author or author.commercial_partner_id == self.commercial_partner_id or (
            author in self.message_partner_ids
        ):
            ticket._on_customer_message(message, values)
        elif values:
            ticket.write(values)
        return res

    def _on_agent_reply(self, message):
        """A public reply of an agent (internal user) was posted."""
        values = {"last_agent_reply_date": message.date}
        if not self.first_response_date:
            values["first_response_date"] = message.date
        self.write(values)

    def _on_customer_message(self, message, values=None):
        """A customer wrote (e-mail or portal). First message: acknowledge it;
        later: an answer while we wait on them brings the ticket back to us.

        :param values: other changes of the ticket due to this message, written
            together with ours
        """
        values = dict(values or {}, last_customer_message_date=message.date)
        if not self.ack_sent and self.channel in CUSTOMER_CHANNELS:
            values.update(self._acknowledgement_values(values.get("has_evidence_attachment")))
            if message.message_type == "email" and self.channel == "email":
                # The mail gateway answers at once with a ticket; the e-mail that
                # acknowledges it is rendered by the intake job, in batches (ack_sent:
                # sent or queued).
                self.write(values)
                self._queue_intake("ack")
                return
            self.write(values)
            self._post_acknowledgement()
            return
        if self.missing_info:
            # What the customer sends while the report is incomplete may complete it.
            added = intake.strip_quoted(intake.html_to_text(message.body)).strip()
            added += "".join(f"\n{url}" for url in intake.hrefs(message.body))
            if added.strip():
                values["customer_followup"] = "\n".join(filter(None, [self.customer_followup, added.strip()]))
        if self.stage_id.pauses_sla and self.team_id:
            values["stage_id"] = self.team_id._stage_in_progress().id
        elif self.is_closed and self.team_id and not self.scope_reason_id:
            # A customer answering a solved ticket reopens it.
            values["stage_id"] = self.team_id._stage_in_progress().id
        self.write(values)

    def _acknowledgement_values(self, has_evidence_attachment=None):
        """Changes of the ticket that go with its acknowledgement: marked as sent and,
        when an e-mail report lacks information, waiting on the customer.

        :param has_evidence_attachment: the evidence flag the ticket is about to get
            (None: its current one)
        """
        self.ensure_one()
        values = {"ack_sent": True}
        if not self._acknowledgement_recipient() or self.channel != "email" or not self.team_id:
            return values
        if has_evidence_attachment is None:
            missing = self.missing_info
        else:
            missing = self._missing_info_codes(has_evidence_attachment)
        waiting = missing and self.team_id._stage_waiting()
        if waiting and waiting != self.stage_id:
            values["stage_id"] = waiting.id
        return values

    def _acknowledgement_recipient(self):
        self.ensure_one()
        return self.partner_id if self.partner_id.email or self.partner_email else self.env["res.partner"]

    def _post_acknowledgement(self):
        """Post the acknowledgement (template ``mail_template_ticket_ack``) to the
        customers of these tickets."""
        tickets = self.filtered(lambda t: t._acknowledgement_recipient())
        if not tickets:
            return self.env["mail.message"]
        return tickets.with_context(toperp_auto_reply=True)._message_post_template(
            self.env.ref("toperp_helpdesk.mail_template_ticket_ack"),
            subtype_xmlid="mail.mt_comment",
            message_type="auto_comment",
        )

    def _message_post_template(self, template, **kwargs):
        """Post ``template`` on each of these tickets as ``message_post_with_source``
        would, but rendered directly, for all of them at once (no composer wizard):
        subject, body and sender in the recipient's language (the template's ``lang``),
        its ``partner_to`` notified, its layout, server, auto-delete flag and
        attachments. Returns the messages."""
        rendered_all = template._generate_template(
            self.ids, {"subject", "body_html", "email_from", "lang", "partner_to"}
        )
        attachments = [
            (attachment.name, base64.b64decode(attachment.datas))
            for attachment in template.attachment_ids
        ]
        authors = {}
        messages = self.env["mail.message"]
        for ticket in self:
            rendered = rendered_all[ticket.id]
            email_from = rendered.get("email_from")
            if email_from and email_from not in authors:
                authors[email_from] = ticket._message_compute_author(None, email_from, raise_on_email=False)[0]
            messages |= ticket.message_post(
                subject=rendered.get("subject") or False,
                body=rendered.get("body_html") or "",
                email_from=email_from or self.env.user.email_formatted,
                author_id=authors.get(email_from) or self.env.user.partner_id.id,
                partner_ids=rendered.get("partner_ids") or [],
                attachments=attachments,
                email_add_signature=False,
                email_layout_xmlid=template.email_layout_xmlid or False,
                force_email_lang=rendered.get("lang") or False,
                mail_auto_delete=template.auto_delete,
                mail_server_id=template.mail_server_id.id,
                **kwargs,
            )
        return messages

    # ------------------------------------------------------------------
    # Intake job: acknowledgements and assignment notices of e-mailed tickets
    # ------------------------------------------------------------------

    def _queue_intake(self, kind):
        """Queue the acknowledgement (``ack``) or the agent's assignment notice
        (``assign``) of these tickets for the intake job, and wake it when this
        transaction commits (as its last write). Only rows of the queue are written:
        never the ticket again, which other workers (SLA cron, agents) may be writing."""
        self._queue_intake_rows([(ticket, kind) for ticket in self])

    @api.model
    def _queue_intake_rows(self, rows):
        """``_queue_intake`` for a list of ``(ticket, kind)``, in one insert."""
        if not rows:
            return
        # One plain INSERT (a queue of our own: no computed field, no business rule).
        self.env.execute_query(SQL(
            """INSERT INTO toperp_helpdesk_intake (ticket_id, kind, user_id, create_uid, create_date, write_uid,
                                                   write_date)
               VALUES %s""",
            SQL(", ").join(
                SQL("(%s, %s, %s, %s, %s, %s, %s)", ticket.id, kind, ticket.user_id.id or None, self.env.uid,
                    self.env.cr.now(), self.env.uid, self.env.cr.now())
                for ticket, kind in rows
            ),
        ))
        if not self.env.cr.precommit.data.get(INTAKE_TRIGGERED_KEY):
            self.env.cr.precommit.data[INTAKE_TRIGGERED_KEY] = True
            self.env.cr.precommit.add(self._wake_intake_job)

    @api.model
    def _wake_intake_job(self):
        cron = self._toperp_ref("toperp_helpdesk.ir_cron_ticket_intake").sudo()
        # _trigger() reads the cron's active flag: not its whole row (ir.actions.server).
        cron.fetch(["active"])
        cron._trigger()

    @api.model
    def _cron_intake(self, batch_size=100):
        """Send the acknowledgements and assignment notices queued by the mail gateway.

        Queue rows are locked with SKIP LOCKED and deleted in the same transaction, so
        that several workers (or hosts) running the job at once never send one twice.
        When two workers still collide on a shared row, this one rolls back and the job
        runs again. A follow-up that fails otherwise is logged and not retried forever.
        Returns how many queue rows were handled.
        """
        Queue = self.env["toperp.helpdesk.intake"].sudo()
        Queue.flush_model()
        rows = self.env.execute_query(SQL(
            "SELECT id FROM toperp_helpdesk_intake ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED", batch_size,
        ))
        queued = Queue.browse([row[0] for row in rows])
        cron = self._toperp_ref("toperp_helpdesk.ir_cron_ticket_intake").sudo()
        if not queued:
            return 0
        try:
            # E-mails are never force-sent here: see _intake_send_mails.
            self.with_context(mail_notify_force_send=False)._intake_followup(queued)
            queued.unlink()
            self.env.flush_all()
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY as error:
            _logger.info("Helpdesk: intake job collided with another worker (%s): tried again", error.pgcode)
            self.env["ir.cron"]._toperp_retry_now("toperp_helpdesk.ir_cron_ticket_intake")
            return 0
        if len(queued) >= batch_size:
            cron._trigger()
        return len(queued)

    @api.model
    def _intake_followup(self, queued):
        """The assignment notices and acknowledgements of the queue rows ``queued``."""
        for row in queued.filtered(lambda r: r.kind == "assign"):
            ticket = row.ticket_id
            if ticket.user_id != row.user_id:
                continue  # reassigned since: the new agent was told by that change
            partner = ticket.user_id.partner_id
            try:
                with self.env.cr.savepoint():
                    ticket.with_context(
                        lang=partner.lang, toperp_notify_inbox_only=True
                    )._message_auto_subscribe_notify(partner.ids, "mail.message_user_assigned")
            except psycopg2.OperationalError:
                raise  # concurrency: the whole batch is tried again
            except Exception:
                _logger.exception("Helpdesk: assignment notice of ticket %s failed", ticket.number)
        ack = queued.filtered(lambda r: r.kind == "ack").ticket_id
        messages = self.env["mail.message"]
        if ack:
            try:
                with self.env.cr.savepoint():
                    messages = ack._post_acknowledgement()
            except psycopg2.OperationalError:
                raise
            except Exception:
                _logger.warning("Helpdesk: batch of acknowledgements failed, sent one by one", exc_info=True)
                for ticket in ack:
                    try:
                        with self.env.cr.savepoint():
                            messages |= ticket._post_acknowledgement()
                    except psycopg2.OperationalError:
                        raise
                    except Exception:
                        _logger.exception("Helpdesk: acknowledgement of ticket %s failed", ticket.number)
        self._intake_send_mails(messages)

    @api.model
    def _intake_send_mails(self, messages):
        """Send the e-mails of ``messages`` once this transaction commits. Odoo's e-mail
        queue (another worker, maybe another host) would pick the same outgoing e-mails
        at the same time and send them twice: it sees them only later (scheduled in 10
        minutes), as a retry when the sending after the commit did not happen."""
        mails = self.env["mail.mail"].sudo().search(
            [("mail_message_id", "in", messages.ids), ("state", "=", "outgoing")]
        )
        if mails:
            mails.write({"scheduled_date": fields.Datetime.add(fields.Datetime.now(), minutes=10)})
            mails.send_after_commit()

    def _notify_get_reply_to(self, default=None):
        """Customers answer to their team's address (support@…) rather than the catchall."""
        with_team = self.filtered("team_id")
        Team = self.env["toperp.helpdesk.team"]
        reply_to = {ticket.id: Team._reply_to_cached(ticket.team_id.id, default) for ticket in with_team}
        if self - with_team:
            reply_to.update(super(ToperpHelpdeskTicket, self - with_team)._notify_get_reply_to(default=default))
        return reply_to

    def _notify_by_email_get_base_mail_values(self, message, additional_values=None):
        if message.message_type == "auto_comment":
            # Acknowledgements, reminders and stage templates are automatic e-mails.
            self = self.with_context(toperp_auto_reply=True)
        return super()._notify_by_email_get_base_mail_values(message, additional_values=additional_values)

    def _notify_by_email_get_headers(self, headers=None):
        headers = super()._notify_by_email_get_headers(headers=headers)
        if self.env.context.get("toperp_auto_reply"):
            # RFC 3834: other robots must not answer our automatic e-mails.
            headers["Auto-Submitted"] = "auto-replied"
            headers["X-Auto-Response-Suppress"] = "All"
        return headers

    def _track_template(self, changes):
        res = super()._track_template(changes)
        ticket = self[0]
        autoclosed = self.env.cr.precommit.data.get(AUTOCLOSED_KEY, ())
        if "stage_id" in changes and ticket.stage_id.template_id and ticket.partner_id and (
            ticket.id not in autoclosed
        ):
            res["stage_id"] = (
                ticket.stage_id.template_id,
                {
                    "auto_delete_keep_log": False,
                    "subtype_id": self.env.ref("mail.mt_comment").id,
                    "email_layout_xmlid": "mail.mail_notification_light",
                },
            )
        return res

    def _track_subtype(self, init_values):
        self.ensure_one()
        if "stage_id" in init_values:
            return self._toperp_ref("toperp_helpdesk.mt_ticket_stage")
        return super()._track_subtype(init_values)

    def _creation_subtype(self):
        return self._toperp_ref("toperp_helpdesk.mt_ticket_new")

    def _message_get_suggested_recipients(self):
        recipients = super()._message_get_suggested_recipients()
        if self.partner_id and self.partner_id not in self.message_partner_ids:
            self._message_add_suggested_recipient(
                recipients, partner=self.partner_id, reason=self.env._("Customer")
            )
        return recipients

    # ------------------------------------------------------------------
    # Helpers for templates
    # ------------------------------------------------------------------

    @api.model
    def _default_customer_lang(self):
        """Vietnamese, TopERP's support language, when it is installed."""
        return "vi_VN" if self.env["res.lang"]._lang_get("vi_VN") else False

    def _customer_lang(self):
        """The customer's language; Vietnamese, TopERP's support language, by default."""
        self.ensure_one()
        return self.partner_id.lang or self._default_customer_lang() or self.env.lang

    def _support_email_from(self):
        """Sender of automatic e-mails: the team's alias when it has a domain."""
        self.ensure_one()
        alias = self.team_id.sudo().alias_id
        if alias.alias_full_name and "@" in alias.alias_full_name:
            return tools.formataddr((self.team_id.name, alias.alias_full_name))
        return self.company_id.email_formatted or self.env.user.email_formatted

    def _missing_info_labels(self):
        """Human labels of what is missing, in the current language."""
        self.ensure_one()
        labels = {
            "title": self.env._("a short title describing the error or request"),
            "steps": self.env._("the path/steps that lead to the error, or the request to clarify"),
            "evidence": self.env._(
                "screenshots or a video showing the full URL of the page (a Loom link is welcome)"
            ),
        }
        return [labels[code] for code in (self.missing_info or "").split() if code in labels]

    def _get_ack_response_deadline(self):
        """Deadline of the first response promised in the acknowledgement (SLA addon)."""
        return False

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_accept_suggested_severity(self):
        for ticket in self.filtered("suggested_severity_id"):
            ticket.severity_id = ticket.suggested_severity_id

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

    # ------------------------------------------------------------------
    # Cron: auto-close tickets waiting on the customer
    # ------------------------------------------------------------------

    @api.model
    def _cron_autoclose(self, batch_size=500):
        """Remind, then close, tickets waiting on a customer who does not answer.

        Rows are locked with SKIP LOCKED so that several workers (or hosts) running
        the cron at once never remind or close a ticket twice.
        """
        now = fields.Datetime.now()
        done = 0
        self.flush_model(["team_id", "stage_id", "last_stage_update", "autoclose_reminder_date"])
        self.env["toperp.helpdesk.stage"].flush_model(["pauses_sla", "is_closed"])
        for team in self.env["toperp.helpdesk.team"].search([("autoclose_days", ">", 0)]):
            close_before = fields.Datetime.subtract(now, days=team.autoclose_days)
            remind_before = fields.Datetime.subtract(now, hours=team.autoclose_days * 12)
            rows = self.env.execute_query(SQL(
                """
                SELECT t.id FROM toperp_helpdesk_ticket t
                  JOIN toperp_helpdesk_stage s ON s.id = t.stage_id
                 WHERE t.team_id = %s AND s.pauses_sla IS TRUE AND s.is_closed IS NOT TRUE
                   AND t.last_stage_update <= %s
                   AND (t.last_stage_update <= %s OR t.autoclose_reminder_date IS NULL)
                 ORDER BY t.last_stage_update
                 LIMIT %s
                   FOR UPDATE OF t SKIP LOCKED
                """,
                team.id, remind_before, close_before, batch_size,
            ))
            tickets = self.browse([row[0] for row in rows])
            to_close = tickets.filtered(lambda t, limit=close_before: t.last_stage_update <= limit)
            to_remind = tickets - to_close
            for ticket in to_remind:
                ticket.with_context(toperp_auto_reply=True).message_post_with_source(
                    "toperp_helpdesk.mail_template_ticket_autoclose_reminder",
                    subtype_xmlid="mail.mt_comment",
                    message_type="auto_comment",
                )
            to_remind.write({"autoclose_reminder_date": now})
            solved = team._stage_solved()
            for ticket in to_close:
                ticket.with_context(toperp_auto_reply=True).message_post_with_source(
                    "toperp_helpdesk.mail_template_ticket_autoclosed",
                    subtype_xmlid="mail.mt_comment",
                    message_type="auto_comment",
                )
            if solved:
                # The stage change is tracked, but its template ("solved") would be a
                # second e-mail after the auto-close message just posted.
                self.env.cr.precommit.data.setdefault(AUTOCLOSED_KEY, set()).update(to_close.ids)
                to_close.write({"stage_id": solved.id})
            done += len(tickets)
        if done >= batch_size:
            self.env.ref("toperp_helpdesk.ir_cron_ticket_autoclose")._trigger()
        return done
