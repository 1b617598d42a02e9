import re

from odoo import models
from odoo.http import request

# The portal lives under /my/support: /my/tickets is the URL of other helpdesk apps'
# portals (OCA helpdesk_mgmt, Odoo Enterprise Helpdesk). Links sent before the move
# (e-mails, bookmarks) used /my/tickets/...: they are redirected here.
PORTAL_PREFIX = "/my/support"
LEGACY_PREFIX = "/my/tickets"
LEGACY_RE = re.compile(r"^/my/tickets(?=/|$)")


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _serve_fallback(cls):
        """Old portal links go to /my/support. Odoo asks this hook only for a path that
        no controller serves (odoo/http.py, _serve_ir_http_fallback): with another
        helpdesk portal installed its /my/tickets pages are its own, and only the old
        links it does not serve (ours: /my/tickets/<id>...) are redirected. The redirect
        is temporary (302, 307 for a form), so that browsers do not keep it once
        another app claims the URL."""
        response = super()._serve_fallback()
        if response or not LEGACY_RE.match(request.httprequest.path):
            return response
        url = PORTAL_PREFIX + request.httprequest.path[len(LEGACY_PREFIX):]
        query = request.httprequest.query_string.decode()
        if query:
            url += f"?{query}"
        code = 302 if request.httprequest.method in ("GET", "HEAD") else 307
        return request.redirect(url, code=code)

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        """The portal conversation is Discuss's chatter: ``portal.assets_chatter`` is built
        from ``mail``'s JavaScript ("The conversation is empty.", "Today at …", "or press
        CTRL + Enter"), but the frontend translation bundle only holds the modules named
        here (``web``, ``portal``…), not ``mail``, so the portal showed those strings in
        English. Odoo adds ``mail`` in ``website_mail``, which needs the website app: a
        portal without a website needs it from us."""
        return super()._get_translation_frontend_modules_name() + ["mail"]
