from odoo import api, models


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
