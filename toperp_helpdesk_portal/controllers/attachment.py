from odoo import http
from odoo.addons.portal.controllers.attachment import PortalAttachmentController
from odoo.http import request

from .portal import TICKET_MODEL
from .uploads import max_file_mb, upload_content_error, upload_name, upload_type_error


class ToperpAttachmentController(PortalAttachmentController):
    @http.route()
    def mail_attachment_upload(self, ufile, thread_id, thread_model, is_pending=False, **kwargs):
        """Files a customer adds to a ticket's conversation (the paperclip of the portal
        chatter) obey the limits of the new-ticket form: accepted types, size, content
        matching the type. A refused file gets the error the chatter shows the
        customer; nothing is stored. Staff (internal users) upload as usual."""
        if thread_model == TICKET_MODEL and not request.env.user._is_internal():
            error = self._toperp_upload_error(ufile)
            if error:
                return request.make_json_response({"error": error})
        return super().mail_attachment_upload(ufile, thread_id, thread_model, is_pending=is_pending, **kwargs)

    def _toperp_upload_error(self, ufile):
        env = request.env
        name = upload_name(ufile.filename)
        error = upload_type_error(env, name)
        if error:
            return error
        max_mb = max_file_mb(env)
        error = upload_content_error(env, name, ufile.read(max_mb * 1024 * 1024 + 1), max_mb)
        # Odoo reads the file again (and rewinds it itself when it retries a request).
        ufile.seek(0)
        return error
