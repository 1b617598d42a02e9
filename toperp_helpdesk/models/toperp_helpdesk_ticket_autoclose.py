"""The auto-close cron: tickets waiting on a customer who does not answer are
reminded, then closed."""

from odoo import api, fields, models
from odoo.tools import SQL

from .toperp_helpdesk_ticket import AUTOCLOSED_KEY


class ToperpHelpdeskTicket(models.Model):
    # One ticket model, split into files by purpose (no model file over ~500 lines).
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

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
                ticket.message_post_with_source(
                    "toperp_helpdesk.mail_template_ticket_autoclose_reminder",
                    subtype_xmlid="mail.mt_comment",
                    message_type="auto_comment",
                )
            to_remind.write({"autoclose_reminder_date": now})
            solved = team._stage_solved()
            for ticket in to_close:
                ticket.message_post_with_source(
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
