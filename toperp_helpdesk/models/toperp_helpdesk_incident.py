"""One incident, many customers: a bug or an outage that many tickets report. The
incident gathers the tickets, tells their customers each update once, and solving it
solves them."""

from markupsafe import Markup, escape

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class ToperpHelpdeskIncident(models.Model):
    _name = "toperp.helpdesk.incident"
    _description = "Helpdesk Incident"
    _inherit = ["mail.thread"]
    _order = "state, date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    description = fields.Html(help="What is broken, for whom, and what is being done (internal).")
    state = fields.Selection(
        [("open", "Open"), ("solved", "Solved")], required=True, default="open", tracking=True, index=True
    )
    date_start = fields.Datetime(string="Started", required=True, default=fields.Datetime.now)
    date_solved = fields.Datetime(string="Solved On", readonly=True, copy=False)
    user_id = fields.Many2one(
        "res.users", string="Owner", default=lambda self: self.env.user, tracking=True, check_company=True,
        domain="[('share', '=', False)]",
    )
    team_id = fields.Many2one("toperp.helpdesk.team", check_company=True)
    company_id = fields.Many2one("res.company", required=True, default=lambda self: self.env.company)
    maintenance_id = fields.Many2one(
        "toperp.helpdesk.maintenance", string="Announced Maintenance",
        help="The announced maintenance window this incident happens in (its tickets are possibly out of scope).",
    )
    ticket_ids = fields.One2many("toperp.helpdesk.ticket", "incident_id", string="Tickets")
    ticket_count = fields.Integer(compute="_compute_ticket_stats")
    open_ticket_count = fields.Integer(compute="_compute_ticket_stats")
    customer_ids = fields.Many2many(
        "res.partner", string="Customers", compute="_compute_ticket_stats",
        help="The companies of the linked tickets' customers.",
    )
    customer_count = fields.Integer(compute="_compute_ticket_stats")

    @api.depends("ticket_ids.commercial_partner_id", "ticket_ids.is_closed")
    def _compute_ticket_stats(self):
        for incident in self:
            tickets = incident.ticket_ids
            incident.ticket_count = len(tickets)
            incident.open_ticket_count = len(tickets.filtered(lambda t: not t.is_closed))
            incident.customer_ids = tickets.commercial_partner_id
            incident.customer_count = len(incident.customer_ids)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------

    def action_post_update(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Update Customers"),
            "res_model": "toperp.helpdesk.incident.update.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_incident_id": self.id},
        }

    def action_solve(self):
        return self.action_post_update() | {"context": {"default_incident_id": self.id, "default_solve": True}}

    def action_view_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_ticket_action")
        action["domain"] = [("incident_id", "=", self.id)]
        action["context"] = {"default_incident_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Business
    # ------------------------------------------------------------------

    def _post_update(self, text):
        """Tell every customer of the open linked tickets ``text``, once each, in their
        language (the introduction; the agent's text as written), and log it on every
        linked ticket. Returns the messages e-mailed to customers."""
        self.ensure_one()
        if not (text or "").strip():
            raise UserError(self.env._("Write the update for the customers."))
        body = plaintext2html(text)
        tickets = self.ticket_ids.filtered(lambda t: not t.is_closed)
        self.message_post(body=body, subtype_xmlid="mail.mt_note", message_type="comment")
        notified, logs, sent = set(), {}, self.env["mail.message"]
        for ticket in tickets.sorted("id"):
            customer_env = ticket.with_context(lang=ticket._customer_lang()).env
            intro = escape(customer_env._("Update on the incident affecting your request %(number)s:")) % {
                "number": ticket.number,
            }
            ticket_body = Markup("<p>%s</p>%s") % (intro, body)
            recipient = ticket.partner_id
            if recipient and recipient not in notified:
                notified.add(recipient)
                sent |= ticket.message_post(
                    body=ticket_body, subtype_xmlid="mail.mt_comment", message_type="comment",
                )
            else:
                # That customer was told with another ticket: logged here, e-mailed to nobody.
                logs[ticket.id] = ticket_body
        if logs:
            # Public (the portal shows it) but e-mailed to nobody: Odoo's _message_log
            # writes internal notes only, so the messages are created as it does.
            author_id, email_from = self._message_compute_author(None, None, raise_on_email=False)
            comment = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_comment")
            self.env["mail.message"].sudo().create([
                {
                    "model": tickets._name, "res_id": ticket.id, "record_name": ticket.display_name,
                    "body": ticket_body, "message_type": "comment", "subtype_id": comment,
                    "is_internal": False, "author_id": author_id, "email_from": email_from,
                }
                for ticket, ticket_body in ((tickets.browse(tid), b) for tid, b in logs.items())
            ])
        return sent

    def _solve(self):
        """The incident is solved: its open tickets are solved (each customer told by
        the team's "solved" stage, each SLA clock closed by its own rule)."""
        Stage = self.env["toperp.helpdesk.stage"]
        fallback = Stage.search([("is_closed", "=", True)], limit=1)
        for incident in self:
            for ticket in incident.ticket_ids.filtered(lambda t: not t.is_closed):
                ticket.stage_id = (ticket.team_id._stage_solved() if ticket.team_id else Stage) or fallback
        self.write({"state": "solved", "date_solved": fields.Datetime.now()})
