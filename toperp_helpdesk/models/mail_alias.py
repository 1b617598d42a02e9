import logging
import sys

import psycopg2

from odoo import api, models, tools

from .toperp_helpdesk_mail_gateway import GATEWAY_INFO_KEY

_logger = logging.getLogger(__name__)

# SQLSTATE classes of errors of the database itself, not of the data: connection
# exception, transaction rollback (serialization failure, deadlock), insufficient
# resources, operator intervention (query cancelled, server shutting down).
TRANSIENT_SQLSTATE_CLASSES = ("08", "40", "53", "57")
LOCK_NOT_AVAILABLE = "55P03"


def _transient_database_error(error):
    if isinstance(error, psycopg2.InterfaceError):
        return True
    if not isinstance(error, psycopg2.OperationalError):
        return False
    code = error.pgcode
    return not code or code[:2] in TRANSIENT_SQLSTATE_CLASSES or code == LOCK_NOT_AVAILABLE


class MailAlias(models.Model):
    _name = "mail.alias"
    # Our own addresses (mail loops) and the teams' reply-to addresses are cached: only
    # aliases with an address matter (cached_config.py), and only their address.
    _inherit = ["mail.alias", "toperp.helpdesk.cached.config"]
    _toperp_cache_fields = frozenset({"alias_name", "alias_domain_id"})

    def _toperp_cache_relevant(self):
        return any(alias.alias_name for alias in self.sudo())

    @api.model
    @tools.ormcache()
    def _toperp_own_addresses_cached(self):
        """See mail.thread._toperp_own_addresses (a frozenset of normalised addresses)."""
        domains = self.env["mail.alias.domain"].sudo().search([])
        addresses = set(domains.mapped("catchall_email") + domains.mapped("bounce_email")
                        + domains.mapped("default_from_email"))
        aliases = self.sudo().search_read(
            [("alias_full_name", "!=", False), ("alias_domain_id", "!=", False)], ["alias_full_name"]
        )
        addresses.update(alias["alias_full_name"] for alias in aliases)
        return frozenset({tools.email_normalize(address) for address in addresses if address} - {False})

    def _alias_bounce_incoming_email(self, message, message_dict, set_invalid=True):
        """When the record of an incoming e-mail could not be created, Odoo marks the
        alias invalid and bounces the e-mail to its sender, whatever the error (this
        runs in the ``except`` of the mail gateway). Not when the helpdesk's own entry
        point processes the message (``toperp.helpdesk.mail.gateway``, the context
        says so): it keeps the message for a person to reprocess, or the mail server
        delivers it again when the database failed. Nor, by fetchmail, for the
        helpdesk's aliases when the database itself failed (connection lost,
        serialization failure, timeout): that says nothing of the alias or the e-mail,
        which is delivered again. Other apps' aliases keep Odoo's behaviour."""
        error = sys.exc_info()[1]
        kept = error is not None and GATEWAY_INFO_KEY in self.env.context
        # The error first: after one of the data, this cursor may not read the alias.
        if kept or (_transient_database_error(error) and self.alias_model_id.model == "toperp.helpdesk.ticket"):
            _logger.info("Helpdesk: message %s not bounced (%s): it is kept or delivered again",
                         message_dict.get("message_id"), type(error).__name__)
            return None
        return super()._alias_bounce_incoming_email(message, message_dict, set_invalid=set_invalid)


class MailAliasDomain(models.Model):
    # Our own addresses and the teams' reply-to addresses are cached (cached_config.py).
    _name = "mail.alias.domain"
    _inherit = ["mail.alias.domain", "toperp.helpdesk.cached.config"]
    _toperp_cache_fields = frozenset({"name", "bounce_alias", "catchall_alias", "default_from"})
