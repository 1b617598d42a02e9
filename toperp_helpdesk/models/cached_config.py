"""Configuration every new ticket reads, kept in the registry cache: the one seam.

Each cache is an ``ormcache`` method; the models whose records it reads inherit
``toperp.helpdesk.cached.config``, which clears the registry cache (in every worker,
through Odoo's cache signalling) when a record that matters changes: created, deleted,
or written on one of ``_toperp_cache_fields``. ``_toperp_cache_relevant`` narrows
which records matter, so that another app's records (a project's alias, an accounting
sequence) never empty every worker's cache.

=============================================  ==============================================
cache (owner)                                  cleared by
=============================================  ==============================================
``ticket._number_sequence_id``                 ir.sequence of code ``toperp.helpdesk.ticket``:
                                               code, company, active; created, deleted
``team._stage_data_cached``                    team: stages, active, company; stage: closing,
                                               pausing, teams, sequence, active; created/deleted
``team._reply_to_cached``                      team: name, company; mail.alias with an address:
                                               name, domain; alias domain; company: name, e-mail,
                                               alias domain
``stage._closed_ids_cached``                   stage (as above)
``severity._triage_data``                      severity: code, sequence, keywords, active
``mail.alias._toperp_own_addresses_cached``    mail.alias with an address: name, domain;
                                               alias domain: name and its bounce/catchall/
                                               default-from addresses
``sla.policy._targets_cached``,                SLA policy (any field; created, deleted)
``sla.policy._active_criteria``
``maintenance._announced_cached``              maintenance window: dates, company, service
                                               types, active
``resource.calendar._toperp_business_clock``   calendar: clock fields (time zone, attendances,
                                               leaves); deleted; attendance: hours and days;
                                               global leaves (not personal time off); extra
                                               working days (any field; created, deleted)
=============================================  ==============================================

``tests/test_config_caches.py`` checks, for each cache, that a change is seen by the
next ticket, and that changes of other fields or records leave the cache alone.
"""

from odoo import api, models

TICKET_SEQUENCE_CODE = "toperp.helpdesk.ticket"


class ToperpHelpdeskCachedConfig(models.AbstractModel):
    _name = "toperp.helpdesk.cached.config"
    _description = "Helpdesk Configuration Kept in Cache"
    # The fields whose change clears the cache (None: any field).
    _toperp_cache_fields = None
    # Which of creating / deleting a (relevant) record clears the cache.
    _toperp_cache_lifecycle = frozenset({"create", "unlink"})

    def _toperp_cache_relevant(self):
        """Whether these records are read by a cache of the index above."""
        return bool(self)

    def _toperp_clear_cache(self):
        self.env.registry.clear_cache()  # the caches of the index above

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if "create" in self._toperp_cache_lifecycle and records._toperp_cache_relevant():
            records._toperp_clear_cache()
        return records

    def write(self, vals):
        fields_matter = self._toperp_cache_fields is None or not self._toperp_cache_fields.isdisjoint(vals)
        relevant = fields_matter and self._toperp_cache_relevant()
        res = super().write(vals)
        if relevant or (fields_matter and self._toperp_cache_relevant()):
            self._toperp_clear_cache()
        return res

    def unlink(self):
        relevant = "unlink" in self._toperp_cache_lifecycle and self._toperp_cache_relevant()
        res = super().unlink()
        if relevant:
            self._toperp_clear_cache()
        return res


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "toperp.helpdesk.cached.config"]
    # team._reply_to_cached ("Company Team <support@…>"). A new company has no team
    # yet; a deleted one takes its teams with it.
    _toperp_cache_fields = frozenset({"name", "email", "alias_domain_id"})
    _toperp_cache_lifecycle = frozenset()


class IrSequence(models.Model):
    _name = "ir.sequence"
    _inherit = ["ir.sequence", "toperp.helpdesk.cached.config"]
    # ticket._number_sequence_id
    _toperp_cache_fields = frozenset({"code", "company_id", "active"})

    def _toperp_cache_relevant(self):
        return any(sequence.code == TICKET_SEQUENCE_CODE for sequence in self.sudo())
