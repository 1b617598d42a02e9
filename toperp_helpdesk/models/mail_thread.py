import logging

from odoo import api, models

from ..tools import intake

_logger = logging.getLogger(__name__)


class MailThread(models.AbstractModel):
    _inherit = "mail.thread"

    @api.model
    def message_route(self, message, message_dict, model=None, thread_id=None, custom_values=None):
        """Auto-replies, bulk mail and delivery reports never open a helpdesk ticket.

        They may still thread into an existing ticket (an out-of-office answer is
        useful history), but they never create one, so that two auto-responders
        cannot feed each other through our acknowledgements.
        """
        routes = super().message_route(
            message, message_dict, model=model, thread_id=thread_id, custom_values=custom_values
        )
        headers = {key.lower(): str(value) for key, value in message.items()}
        if not routes or not intake.is_automatic_message(headers, message_dict.get("email_from")):
            return routes
        kept = [r for r in routes if not (r[0] == "toperp.helpdesk.ticket" and not r[1])]
        if any(r[0] == "toperp.helpdesk.ticket" for r in kept):
            # Threaded into a ticket as an internal note: agents see it, it notifies
            # nobody and never counts as the customer's answer.
            message_dict["is_internal"] = True
        if len(kept) != len(routes):
            _logger.info(
                "Helpdesk: automatic message %s from %s rejected: it creates no ticket",
                message_dict.get("message_id"), message_dict.get("email_from"),
            )
        return kept
