import logging

from odoo import api, models

from .toperp_helpdesk_mail_gateway import GATEWAY_INFO_KEY

_logger = logging.getLogger(__name__)

TICKET_MODEL = "toperp.helpdesk.ticket"


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        """Routes to helpdesk tickets are checked by the ticket model
        (``_gateway_check_route``: loops, automatic messages, strangers); routes to
        other models are Odoo's, untouched, and so is Odoo's ``ValueError`` when no
        route matches. Called by our gateway's entry point, the routes or the reason
        why there are none are also told to it (``GATEWAY_INFO_KEY``).

        Global because the mail gateway decides the target model here, on
        ``mail.thread``: a reply to a ticket is routed before any ticket code runs.
        """
        routes = super().message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
        )
        info = self.env.context.get(GATEWAY_INFO_KEY)
        reason = "bounce" if not routes and message_dict.get("is_bounce") else None
        if any(route[0] == TICKET_MODEL for route in routes):
            Ticket = self.env[TICKET_MODEL]
            checked = []
            for route in routes:
                if route[0] == TICKET_MODEL:
                    route, why = Ticket._gateway_check_route(message, message_dict, route)
                    if route is None:
                        reason = why
                        _logger.info(
                            "Helpdesk: message %s from %s not routed to a ticket: %s",
                            message_dict.get("message_id"), message_dict.get("email_from"), why,
                        )
                        continue
                checked.append(route)
            routes = checked
        if info is not None:
            info["routes"] = routes
            if not routes:
                info["reason"] = reason or "no-route"
        return routes
