from odoo import api, models, tools


class ToperpHelpdeskCachedConfig(models.AbstractModel):
    """Configuration that every new ticket reads (stages of a team, severity keywords,
    SLA policies, our own e-mail addresses) is kept in the registry cache
    (``tools.ormcache``); any change to it clears that cache, in every worker."""

    _name = "toperp.helpdesk.cached.config"
    _description = "Helpdesk Configuration Kept in Cache"
    # The fields whose change clears the cache (None: any field); creating or deleting
    # a record always clears it.
    _toperp_cache_fields = None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        if self._toperp_cache_fields is None or not self._toperp_cache_fields.isdisjoint(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res


class ResCompany(models.Model):
    _name = "res.company"
    _inherit = ["res.company", "toperp.helpdesk.cached.config"]
    # Teams' reply-to addresses; creating or deleting a company: _toperp_single_company.
    _toperp_cache_fields = frozenset({"name", "email", "alias_domain_id"})

    @api.model
    @tools.ormcache()
    def _toperp_single_company(self):
        """True when the database has one company (archived ones count): nothing can
        then belong to another company. Cleared when a company is created or deleted."""
        return self.sudo().with_context(active_test=False).search_count([], limit=2) == 1


class IrSequence(models.Model):
    _name = "ir.sequence"
    _inherit = ["ir.sequence", "toperp.helpdesk.cached.config"]
    # ticket._number_sequence_id
    _toperp_cache_fields = frozenset({"code", "company_id", "active"})


class IrCron(models.Model):
    _inherit = "ir.cron"

    @api.model
    def _toperp_retry_now(self, xmlid):
        """After a concurrency error in the job ``xmlid``: drop the transaction's work
        (first: the failed transaction accepts no query) and run the job again at once,
        in a fresh transaction."""
        self.env.cr.rollback()
        self.env.invalidate_all()
        self.env.ref(xmlid).sudo()._trigger()
