from odoo import models


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal conversation is Discuss's chatter: ``portal.assets_chatter`` is built
        from ``mail``'s JavaScript ("The conversation is empty.", "Today at …", "or press
        CTRL + Enter"), but the frontend translation bundle only holds the modules named
        here (``web``, ``portal``…), not ``mail``, so the portal showed those strings in
        English. Odoo adds ``mail`` in ``website_mail``, which needs the website app: a
        portal without a website needs it from us."""
        return super()._get_translation_frontend_modules_name() + ["mail"]
