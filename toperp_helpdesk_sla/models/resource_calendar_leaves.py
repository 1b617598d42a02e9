from odoo import api, models


class ResourceCalendarLeaves(models.Model):
    _inherit = "resource.calendar.leaves"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        if records._toperp_affect_clocks():
            self.env.registry.clear_cache()  # compiled business clocks
        return records

    def write(self, vals):
        affected = self._toperp_affect_clocks()
        res = super().write(vals)
        if affected or self._toperp_affect_clocks():
            self.env.registry.clear_cache()
        return res

    def unlink(self):
        affected = self._toperp_affect_clocks()
        res = super().unlink()
        if affected:
            self.env.registry.clear_cache()
        return res

    def _toperp_affect_clocks(self):
        """Whether these leaves are read by compiled business clocks (global time off).

        Personal time off (with a resource, e.g. from hr_holidays) is frequent and
        does not touch any clock: it leaves the registry cache alone.
        """
        return any(
            not leave.resource_id and leave.time_type == "leave" for leave in self.sudo()
        )
