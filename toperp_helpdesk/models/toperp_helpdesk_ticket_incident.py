from markupsafe import Markup

from odoo import api, fields, models


class ToperpHelpdeskTicket(models.Model):
    _inherit = "toperp.helpdesk.ticket"  # pylint: disable=consider-merging-classes-inherited

    incident_id = fields.Many2one(
        "toperp.helpdesk.incident",
        string="Incident",
        tracking=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
        domain="[('state', '=', 'open')]",
        help="The incident (one bug or outage for many customers) this ticket reports.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        if any(vals.get("incident_id") for vals in vals_list):
            tickets.filtered("incident_id")._incident_linked()
        return tickets

    def write(self, vals):
        res = super().write(vals)
        if vals.get("incident_id"):
            self._incident_linked()
        return res

    def _incident_linked(self):
        """Linked during an announced maintenance window (the incident's, or one
        announced now for the ticket's service): the ticket says so and is flagged as
        possibly out of scope."""
        Maintenance = self.env["toperp.helpdesk.maintenance"].sudo()
        now = fields.Datetime.now()
        for ticket in self:
            maintenance = ticket.incident_id.maintenance_id or Maintenance._find_announced(
                now, ticket.company_id, ticket.service_type_id
            )
            if not maintenance:
                continue
            if not ticket.maintenance_id:
                ticket.maintenance_id = maintenance
            ticket._message_log(body=Markup("<p>%s</p>") % self.env._(
                "Linked to the incident %(incident)s during the announced maintenance %(maintenance)s: "
                "possibly out of scope.",
                incident=ticket.incident_id.name,
                maintenance=maintenance.name,
            ))
