import ast

from odoo import api, fields, models, tools
from odoo.tools import SQL


class ToperpHelpdeskTeam(models.Model):
    _name = "toperp.helpdesk.team"
    _description = "Helpdesk Team"
    _inherit = ["mail.alias.mixin", "mail.thread", "toperp.helpdesk.cached.config"]
    _order = "sequence, id"
    _check_company_auto = True
    # _stage_data_cached, _reply_to_cached
    _toperp_cache_fields = frozenset({"stage_ids", "name", "company_id", "active"})

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    manager_id = fields.Many2one(
        "res.users",
        string="Team Manager",
        check_company=True,
        domain="[('share', '=', False)]",
        help="Gets escalations of breached SLAs.",
    )
    member_ids = fields.Many2many(
        "res.users",
        string="Agents",
        check_company=True,
        domain="[('share', '=', False)]",
    )
    assign_method = fields.Selection(
        [
            ("manual", "Manual"),
            ("round_robin", "Round-robin"),
            ("least_loaded", "Least loaded"),
        ],
        string="Assignment",
        default="least_loaded",
        required=True,
        help="How new tickets get an agent. Tickets of Priority-plan customers always go "
        "to their dedicated agent.",
    )
    stage_ids = fields.Many2many(
        "toperp.helpdesk.stage",
        string="Stages",
        # Besides the stages linked to it, a team uses the shared ones (linked to no team).
        help="Stages this team's tickets go through.",
    )
    autoclose_days = fields.Integer(
        string="Auto-close After (days)",
        default=7,
        help="A ticket waiting on the customer with no answer for this many days is closed "
        "automatically, with a reminder half-way. 0 disables it.",
    )
    hotline = fields.Char(
        default="0865.444.886 (bấm phím 02)",
        translate=True,
        help="Phone number shown to customers for High and Critical incidents.",
    )
    sales_email = fields.Char(
        string="Sales E-mail",
        default="sales@toperp.vn",
        help="Where customers are sent for the Priority plan, and when their support is suspended.",
    )
    ticket_ids = fields.One2many("toperp.helpdesk.ticket", "team_id", string="Tickets")
    open_ticket_count = fields.Integer(compute="_compute_ticket_counts")
    unassigned_ticket_count = fields.Integer(compute="_compute_ticket_counts")

    def _compute_ticket_counts(self):
        Ticket = self.env["toperp.helpdesk.ticket"]
        base = [("team_id", "in", self.ids), ("is_closed", "=", False)]
        opened = dict(Ticket._read_group(base, ["team_id"], ["__count"]))
        unassigned = dict(Ticket._read_group(base + [("user_id", "=", False)], ["team_id"], ["__count"]))
        for team in self:
            team.open_ticket_count = opened.get(team, 0)
            team.unassigned_ticket_count = unassigned.get(team, 0)

    # ------------------------------------------------------------------
    # Mail alias
    # ------------------------------------------------------------------

    def _alias_get_creation_values(self):
        values = super()._alias_get_creation_values()
        values["alias_model_id"] = self.env["ir.model"]._get("toperp.helpdesk.ticket").id
        if self.id:
            values["alias_defaults"] = defaults = ast.literal_eval(self.alias_defaults or "{}")
            defaults["team_id"] = self.id
            defaults.setdefault("company_id", self.company_id.id)
        return values

    # ------------------------------------------------------------------
    # Stages
    # ------------------------------------------------------------------

    def _stages(self):
        """The stages of the team: the shared ones and its own."""
        self.ensure_one()
        return self.env["toperp.helpdesk.stage"].browse([row[0] for row in self._stage_data_cached(self.id)])

    def _stage_where(self, closed, pauses_sla=None):
        """The team's stages (in order) that close tickets or not and, unless None,
        pause the SLA or not: from the cache, no record read."""
        self.ensure_one()
        return self.env["toperp.helpdesk.stage"].browse([
            stage_id for stage_id, is_closed, pauses in self._stage_data_cached(self.id)
            if is_closed == closed and (pauses_sla is None or pauses == pauses_sla)
        ])

    @api.model
    @tools.ormcache("team_id")
    def _stage_data_cached(self, team_id):
        """(id, is_closed, pauses_sla) of the team's stages, in order. Stages clear
        this cache when they change (toperp.helpdesk.cached.config), and the team when
        its stages do (write)."""
        stages = self.env["toperp.helpdesk.stage"].sudo().search(
            ["|", ("team_ids", "=", False), ("team_ids", "in", [team_id])]
        )
        return tuple((stage.id, stage.is_closed, stage.pauses_sla) for stage in stages)

    @api.model
    @tools.ormcache("team_id", "self.env.lang")
    def _reply_to_cached(self, team_id):
        """The team's reply-to address ("Company Team <support@…>"), as mail.thread
        computes it, kept in the registry cache: cleared when the team, its alias, or
        a company name changes. None when the team has no alias and its company no
        catchall: mail.thread then uses its caller's default, the message's sender,
        which is not part of the cache's key (one entry per sender missed it for every
        new customer: 2 queries per e-mail)."""
        return self.sudo().browse(team_id)._notify_get_reply_to(default=None).get(team_id)

    def _stage_new(self):
        return self._stage_where(closed=False)[:1]

    def _stage_in_progress(self):
        """First open stage after the initial one that does not wait on the customer."""
        stages = [(stage_id, pauses) for stage_id, closed, pauses in self._stage_data_cached(self.id) if not closed]
        later = [stage_id for stage_id, pauses in stages[1:] if not pauses]
        return self.env["toperp.helpdesk.stage"].browse((later or [stage_id for stage_id, _p in stages])[:1])

    def _stage_waiting(self):
        return self._stage_where(closed=False, pauses_sla=True)[:1]

    def _stage_solved(self):
        return self._stage_where(closed=True)[:1]

    def _stage_cancelled(self):
        return self._stage_where(closed=True)[-1:]

    # ------------------------------------------------------------------
    # Assignment
    # ------------------------------------------------------------------

    def _next_assignees(self, count):
        """Agents for ``count`` new tickets, following the team's assignment method."""
        self.ensure_one()
        if self.assign_method == "manual":
            return [self.env["res.users"]] * count
        if self.assign_method == "least_loaded":
            return self._next_least_loaded(count)
        members = self.member_ids.filtered("active").sorted("id")
        if not members:
            return [self.env["res.users"]] * count
        if self.assign_method == "round_robin":
            # The turn follows the newest ticket given to a member. Nothing is written
            # on the team: each ticket insert checks the team row (foreign key), so a
            # counter kept there made simultaneous new tickets fail on serialization
            # errors. Two tickets arriving at the same instant may get the same agent.
            last = self._last_assigned_member(members)
            start = (list(members).index(last) + 1) if last in members else 0
            return [members[(start + i) % len(members)] for i in range(count)]
        return [self.env["res.users"]] * count

    def _next_least_loaded(self, count):
        """The active members with the fewest open tickets (lowest id first on a tie),
        for ``count`` new tickets: one query for the members and their load (counted on
        a partial index of open tickets; not at all for a team of one)."""
        Ticket = self.env["toperp.helpdesk.ticket"]
        Ticket.flush_model(["user_id", "is_closed"])
        self.flush_model(["member_ids"])
        members = self._fields["member_ids"]
        rows = self.env.execute_query(SQL(
            """
            WITH member AS (
                SELECT u.id FROM res_users u
                  JOIN %(rel)s rel ON rel.%(user_col)s = u.id
                 WHERE rel.%(team_col)s = %(team_id)s AND u.active
            )
            SELECT m.id,
                   CASE WHEN (SELECT count(*) FROM member) > 1
                        THEN (SELECT count(*) FROM toperp_helpdesk_ticket t
                               WHERE t.user_id = m.id AND t.is_closed IS NOT TRUE)
                        ELSE 0 END
              FROM member m
             ORDER BY m.id
            """,
            rel=SQL.identifier(members.relation),
            user_col=SQL.identifier(members.column2),
            team_col=SQL.identifier(members.column1),
            team_id=self.id,
        ))
        if not rows:
            return [self.env["res.users"]] * count
        counts = dict(rows)
        chosen = []
        for _i in range(count):
            user_id = min(counts, key=lambda uid: (counts[uid], uid))
            counts[user_id] += 1
            chosen.append(self.env["res.users"].browse(user_id))
        return chosen

    def _last_assigned_member(self, members):
        self.ensure_one()
        return self.env["toperp.helpdesk.ticket"].sudo().with_context(active_test=False).search(
            [("team_id", "=", self.id), ("user_id", "in", members.ids)], order="id desc", limit=1
        ).user_id

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_ticket_action")
        action["domain"] = [("team_id", "=", self.id)]
        action["context"] = {"default_team_id": self.id, "search_default_open": 1}
        return action
