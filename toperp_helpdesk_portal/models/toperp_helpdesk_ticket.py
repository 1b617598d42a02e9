from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

# Abuse guard of the portal: tickets one user may open per window (several workers
# share the count: it is read from the database, under a lock on the user's row).
DEFAULT_RATE_LIMIT = 5
RATE_LIMIT_MINUTES = 10
PORTAL_CHANNELS = ("portal", "callback")
# Tickets the customer closed on the portal in this transaction (cursor precommit data).
PORTAL_CLOSED_KEY = "toperp_helpdesk_portal.closed_on_portal"


class ToperpHelpdeskTicket(models.Model):
    _name = "toperp.helpdesk.ticket"
    _inherit = ["toperp.helpdesk.ticket", "portal.mixin", "rating.mixin"]
    # Customers who can read a ticket (portal record rules) may write in its chatter.
    _mail_post_access = "read"

    # A new ticket has no rating: rating.mixin's compute gives 0 without a query for a
    # record not yet in the database, so it is computed for the INSERT rather than by a
    # query and an UPDATE of the new row after it (2 queries less per new ticket,
    # tests/test_creation_query_count.py).
    rating_last_value = fields.Float(compute="_compute_rating_last_value", store=True, precompute=True)

    chat_channel_id = fields.Many2one(
        "discuss.channel",
        string="Live Chat Conversation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        ondelete="set null",
        help="The live chat conversation this ticket was opened from.",
    )

    def _compute_access_url(self):
        for ticket in self:
            ticket.access_url = f"/my/support/{ticket.id}"

    # ------------------------------------------------------------------
    # Rating
    # ------------------------------------------------------------------

    def _track_template(self, changes):
        """Entering a stage that asks for a rating (Solved) e-mails the rating request
        instead of the stage's own e-mail: one message that says the request is
        solved and asks how we did. Out-of-scope closures ask nothing, nor does a
        customer's own closure on the portal."""
        res = super()._track_template(changes)
        ticket = self[0]
        if "stage_id" not in changes:
            return res
        if ticket.id in self.env.cr.precommit.data.get(PORTAL_CLOSED_KEY, ()):
            # The customer closed it on the portal, whose page asks for the rating at
            # once: an e-mail asking again would reach her after she rated.
            res.pop("stage_id", None)
            return res
        if not ticket.stage_id.rating_request:
            return res
        if not ticket.partner_id or ticket.scope_reason_id:
            return res
        template = self.env.ref("toperp_helpdesk_portal.mail_template_ticket_rating", raise_if_not_found=False)
        if template:
            options = dict(res["stage_id"][1]) if "stage_id" in res else {
                "auto_delete_keep_log": False,
                "email_layout_xmlid": "mail.mail_notification_light",
            }
            # A note addressed to the customer (the template's partner_to), as
            # rating.mixin's rating_send_request and project.task send theirs: the links
            # rate in the customer's name, so followers (colleagues, Cc'd people) and the
            # portal chatter must not get them.
            options["subtype_id"] = self.env.ref("mail.mt_note").id
            res["stage_id"] = (template, options)
        return res

    def _rating_get_parent_field_name(self):
        return "team_id"

    def _portal_last_rating(self):
        """The last rating given by the customer, shown on the portal."""
        self.ensure_one()
        return self.sudo().rating_ids.filtered("consumed").sorted(lambda r: (r.write_date, r.id))[-1:]

    def _portal_rate(self, partner, rate, feedback=None):
        """Record ``partner``'s rating (1, 3 or 5) of a closed ticket."""
        self.ensure_one()
        if not self.is_closed:
            raise UserError(self.env._("Only a closed ticket can be rated."))
        if rate not in (1, 3, 5):
            raise UserError(self.env._("Choose one of the proposed ratings."))
        ticket = self.sudo()._portal_nosubscribe()
        token = ticket._rating_get_access_token(partner=partner)
        return ticket.rating_apply(rate, token=token, feedback=feedback or None)

    def _portal_waiting_notice(self):
        """What a ticket waiting on the customer waits for, in the reader's language:
        what the report lacks, else an answer to the agent; the paused deadlines and
        the automatic closing."""
        self.ensure_one()
        ticket = self.sudo()
        parts = [
            self.env._("To handle your request we still need: %(missing)s.", missing=ticket.missing_info_label)
            if ticket.missing_info_label
            else self.env._("Please answer our agent's last message in the conversation below."),
            self.env._("Reply below or by e-mail: our deadlines are paused until then."),
        ]
        if ticket.team_id.autoclose_days:
            parts.append(self.env._(
                "Without an answer within %(days)s days, the ticket is closed.", days=ticket.team_id.autoclose_days
            ))
        return " ".join(parts)

    # ------------------------------------------------------------------
    # Portal actions (called by the controller once access is checked)
    # ------------------------------------------------------------------

    def _portal_nosubscribe(self):
        """The ticket for a portal action's messages: they subscribe nobody. Odoo's
        message_post makes the acting user a follower, and a follower keeps reading
        the answers (by RPC, by e-mail) after losing access to the ticket (a colleague
        switched to "own" scope, a token holder); Odoo's portal chatter avoids it the
        same way for read-only posters (mail/controllers/thread.py)."""
        return self.with_context(mail_create_nosubscribe=True, mail_post_autofollow=False)

    def _portal_can_close(self):
        self.ensure_one()
        return not self.is_closed and bool(self.team_id._stage_solved())

    def _portal_can_reopen(self):
        self.ensure_one()
        return self.is_closed and not self.scope_reason_id and bool(self.team_id)

    def _portal_close(self, partner):
        """The customer closes the ticket: solved (the page then asks for a rating)."""
        for ticket in self.sudo()._portal_nosubscribe():
            if not ticket._portal_can_close():
                raise UserError(self.env._("This ticket cannot be closed."))
            # Read by _track_template when the tracking is posted (at the transaction's
            # end, like Odoo's own tracking data): the page asks for the rating, no e-mail.
            self.env.cr.precommit.data.setdefault(PORTAL_CLOSED_KEY, set()).add(ticket.id)
            ticket.write({"stage_id": ticket.team_id._stage_solved().id})
            ticket.message_post(
                body=self.env._("Closed by the customer from the portal."),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    def _portal_reopen(self, partner):
        for ticket in self.sudo()._portal_nosubscribe():
            if not ticket._portal_can_reopen():
                raise UserError(self.env._("This ticket cannot be reopened."))
            ticket.action_reopen()
            ticket.message_post(
                body=self.env._("Reopened by the customer from the portal."),
                author_id=partner.id,
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )

    # ------------------------------------------------------------------
    # Abuse guard
    # ------------------------------------------------------------------

    @api.model
    def _portal_rate_limit(self):
        value = self.env["ir.config_parameter"].sudo().get_param("toperp_helpdesk_portal.ticket_rate_limit")
        try:
            return int(value) if value else DEFAULT_RATE_LIMIT
        except ValueError:
            return DEFAULT_RATE_LIMIT

    @api.model
    def _portal_check_rate_limit(self, user):
        """Raise when ``user`` opened too many tickets from the portal lately.

        The user's row is locked until the transaction ends so that two requests of
        the same user handled by two workers count each other's tickets.
        """
        limit = self._portal_rate_limit()
        if limit <= 0:
            return
        self.env.cr.execute(SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", user.id))
        since = fields.Datetime.now() - timedelta(minutes=RATE_LIMIT_MINUTES)
        count = self.sudo().with_context(active_test=False).search_count(
            [("create_uid", "=", user.id), ("create_date", ">=", since), ("channel", "in", PORTAL_CHANNELS)]
        )
        if count >= limit:
            raise UserError(
                self.env._(
                    "You have sent %(count)s requests in the last %(minutes)s minutes. Please wait a "
                    "few minutes before sending another one, or call our hotline if it is urgent.",
                    count=count,
                    minutes=RATE_LIMIT_MINUTES,
                )
            )

    # ------------------------------------------------------------------
    # Call-back requests
    # ------------------------------------------------------------------

    def _portal_callback_agent(self):
        """Agent who calls back: the assignee, else the team's manager or first agent."""
        self.ensure_one()
        team = self.team_id
        return (
            self.user_id
            or team.manager_id
            or team.member_ids.filtered("active")[:1]
            or self.env.ref("base.user_admin", raise_if_not_found=False)
            or self.env["res.users"]
        )

    def _portal_schedule_callback(self, phone, slot_label, topic):
        """Plan the call for an agent (activity on the ticket) and log the request."""
        self.ensure_one()
        ticket = self.sudo()
        agent = ticket._portal_callback_agent()
        note = Markup("<p>%s</p><p>%s</p><p>%s</p>") % (
            self.env._("Phone: %(phone)s", phone=phone),
            self.env._("Preferred time: %(slot)s", slot=slot_label),
            topic,
        )
        # No personal data in the summary: it is the subject of the agent's e-mail and
        # shows in activity lists; the number is in the note, on the ticket.
        ticket.activity_schedule(
            "mail.mail_activity_data_call",
            summary=self.env._("Call back the customer (%(slot)s)", slot=slot_label),
            note=note,
            user_id=agent.id or self.env.uid,
        )
        ticket.message_post(
            body=note,
            author_id=ticket.partner_id.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
