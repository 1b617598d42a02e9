from odoo import api, models, tools


class ToperpHelpdeskCachedConfig(models.AbstractModel):
    """Configuration that every new ticket reads (stages of a team, severity keywords,
    SLA policies, our own e-mail addresses) is kept in the registry cache
    (``tools.ormcache``); any change to it clears that cache, in every worker."""

    _name = "toperp.helpdesk.cached.config"
    _description = "Helpdesk Configuration Kept in Cache"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        res = super().write(vals)
        self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res


class ResCompany(models.Model):
    _inherit = "res.company"

    @api.model
    @tools.ormcache()
    def _toperp_single_company(self):
        """True when the database has one company (archived ones count): nothing can
        then belong to another company. Cleared when a company is created or deleted."""
        return self.sudo().with_context(active_test=False).search_count([], limit=2) == 1

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env.registry.clear_cache()
        return companies

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res

    def write(self, vals):
        res = super().write(vals)
        if {"name", "email", "alias_domain_id"}.intersection(vals):
            self.env.registry.clear_cache()  # teams' reply-to addresses
        return res


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    @api.model_create_multi
    def create(self, vals_list):
        sequences = super().create(vals_list)
        if any(vals.get("code") for vals in vals_list):
            self.env.registry.clear_cache()  # ticket._number_sequence_id
        return sequences

    def write(self, vals):
        res = super().write(vals)
        if {"code", "company_id", "active"}.intersection(vals):
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        res = super().unlink()
        self.env.registry.clear_cache()
        return res
