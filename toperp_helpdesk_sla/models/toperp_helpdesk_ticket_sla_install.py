from odoo import api, fields, models
from odoo.tools import split_every


class ToperpHelpdeskTicket(models.Model):
    """The SLA addon installed on a database that already has tickets: their clocks."""

    # One ticket model, split into files by purpose (no model file over ~500 lines).
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _sla_install_clocks(self, batch_size=500):
        """Start the clocks of the open tickets that have none (post-init of the SLA
        addon): from when each was reported, with the time it spent waiting on the
        customer or solved, read from its stage history, as paused; a first response
        already given is reached at its time. In batches. Returns how many tickets got
        clocks."""
        tickets = self.sudo().search([
            ("is_closed", "=", False), ("scope_reason_id", "=", False), ("sla_status_ids", "=", False),
        ], order="id")
        for ids in split_every(batch_size, tickets.ids):
            batch = self.sudo().browse(ids)
            batch._sla_apply()
            batch._sla_replay_pauses(batch._sla_stage_history())
            self.env.flush_all()
            self.env.invalidate_all()
        return len(tickets)

    def _sla_stage_history(self):
        """{ticket id: [(date, old stage id, new stage id)]} of these tickets' tracked
        stage changes, in order."""
        field = self.env["ir.model.fields"]._get(self._name, "stage_id")
        history = {ticket.id: [] for ticket in self}
        values = self.env["mail.tracking.value"].sudo().search_fetch(
            [("field_id", "=", field.id), ("mail_message_id.model", "=", self._name),
             ("mail_message_id.res_id", "in", self.ids)],
            ["old_value_integer", "new_value_integer", "mail_message_id"],
        )
        for value in values.sorted(lambda v: (v.mail_message_id.date, v.id)):
            message = value.mail_message_id
            history[message.res_id].append((message.date, value.old_value_integer, value.new_value_integer))
        return history

    def _sla_replay_pauses(self, history):
        """Add to these tickets' new clocks the business time their stage history spent
        in stages that pause the SLA (waiting on the customer) or close the ticket; a
        ticket waiting now is paused since it entered that stage."""
        Stage = self.env["toperp.helpdesk.stage"].sudo()
        now = fields.Datetime.now()
        for ticket in self:
            changes = history.get(ticket.id) or []
            stage_id = changes[0][1] if changes else ticket.stage_id.id
            since = ticket.reported_date
            spans = []
            for date, _old, new in changes + [(now, None, None)]:
                stage = Stage.browse(stage_id)
                if stage.pauses_sla or stage.is_closed:
                    spans.append((max(since, ticket.reported_date), date))
                since, stage_id = date, new
            if not spans:
                continue
            statuses = ticket.sla_status_ids.filtered(lambda s: not s.reached_date)
            clocks = statuses._clocks()
            waiting_now = ticket.stage_id.pauses_sla
            for status in statuses:
                clock = clocks[status.sudo().calendar_id]
                closed_spans = spans[:-1] if waiting_now else spans
                paused = sum(clock.between(start, end) for start, end in closed_spans if end > start)
                values = {"paused_hours": paused}
                if waiting_now:
                    values.update(state="paused", pause_start=spans[-1][0])
                status.write(values)
            statuses._sla_schedule()
