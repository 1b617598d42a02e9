"""The customer's two forms on the portal: a new ticket (``/my/support/new``, its files
checked by uploads.py) and a call-back request (``/my/support/callback``). Bad input gets
its error beside the field, in the customer's language, and the form keeps what was typed
(files excepted: the customer is told to choose them again)."""

import re

import pytz
from markupsafe import Markup

from odoo import fields, http
from odoo.addons.toperp_helpdesk.tools import intake
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import plaintext2html

from .portal import DEFAULT_TZ, NUL, TEXT_MAX_LENGTH, TICKET_MODEL, ToperpHelpdeskPortal
from .uploads import (
    ALLOWED_EXTENSIONS,
    MAX_FILES,
    max_file_mb,
    upload_content_error,
    upload_mimetype,
    upload_name,
    upload_type_error,
)

TITLE_MAX_LENGTH = 120
URL_MAX_LENGTH = 2000
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
PHONE_RE = re.compile(r"^\+?[0-9][0-9 .()-]{7,19}$")


def callback_slots(env):
    """{code: label} of the call-back times still ahead in Vietnam, where the team calls
    from: no "This morning" after 12:00, no "This afternoon" after 17:30. One list for the
    portal's and the public page's forms."""
    now = pytz.utc.localize(fields.Datetime.now()).astimezone(pytz.timezone(DEFAULT_TZ))
    hour = now.hour + now.minute / 60
    slots = {"asap": env._("As soon as possible")}
    if hour < 12:
        slots["morning"] = env._("This morning (8:00–12:00)")
    if hour < 17.5:
        slots["afternoon"] = env._("This afternoon (13:00–17:30)")
    slots["tomorrow_morning"] = env._("Tomorrow morning")
    slots["tomorrow_afternoon"] = env._("Tomorrow afternoon")
    return slots


class ToperpHelpdeskPortalForms(ToperpHelpdeskPortal):
    # ------------------------------------------------------------------
    # New ticket
    # ------------------------------------------------------------------

    def _toperp_rate_limit_errors(self):
        """``{"form": why}`` when the customer has sent too many requests lately (shown
        above the form's fields, what was typed kept), else ``{}``."""
        try:
            request.env[TICKET_MODEL]._portal_check_rate_limit(request.env.user)
        except UserError as error:
            return {"form": error.args[0]}
        return {}

    def _toperp_service_types(self):
        partner = request.env.user.partner_id.commercial_partner_id
        # sudo: service types - a public catalogue; the customer's own ones first.
        bought = partner.sudo().toperp_service_type_ids
        return bought or request.env["toperp.helpdesk.service.type"].sudo().search([])

    def _toperp_form_values(self, values=None, errors=None, **extra):
        layout = self._prepare_portal_layout_values()
        team = self._toperp_default_team()
        layout.update({
            "page_name": "toperp_ticket_new",
            "severities": request.env["toperp.helpdesk.severity"].sudo().search([], order="sequence, id"),
            "service_types": self._toperp_service_types(),
            "hotline": team.hotline,
            "values": values or {},
            "errors": errors or {},
            "max_files": MAX_FILES,
            "max_file_size_mb": self._toperp_max_file_mb(),
            "upload_hint": request.env._(
                "At most %(count)s files of %(size)s MB each (%(types)s).",
                count=MAX_FILES,
                size=self._toperp_max_file_mb(),
                types=", ".join(sorted(ALLOWED_EXTENSIONS)),
            ),
            "hotline_message": request.env._(
                "For a High or Critical incident, also call our hotline %(hotline)s (24/7).", hotline=team.hotline
            ),
            "accept": ",".join(f".{ext}" for ext in sorted(ALLOWED_EXTENSIONS)),
        })
        layout.update(extra)
        return layout

    def _toperp_max_file_mb(self):
        return max_file_mb(request.env)

    def _toperp_read_uploads(self, files, errors):
        """Read and check the uploaded files; return (name, mimetype, data) tuples."""
        env = request.env
        max_mb = self._toperp_max_file_mb()
        max_size = max_mb * 1024 * 1024
        files = [f for f in files if f and f.filename]
        uploads = []
        if len(files) > MAX_FILES:
            errors["attachments"] = env._("You can attach at most %(count)s files.", count=MAX_FILES)
            return uploads
        total = 0
        for storage in files:
            name = upload_name(storage.filename)
            error = upload_type_error(env, name)
            data = b"" if error else storage.read(max_size + 1)
            error = error or upload_content_error(env, name, data, max_mb)
            if error:
                errors["attachments"] = error
                return uploads
            total += len(data)
            uploads.append((name, upload_mimetype(name), data))
        if total > max_size * 2:
            errors["attachments"] = env._("The files together are larger than %(size)s MB.", size=max_mb * 2)
            return []
        return uploads

    def _toperp_validate_ticket(self, post, uploads_count, errors):
        env = request.env
        name = (post.get("name") or "").strip()
        description = (post.get("description") or "").strip()
        affected_url = (post.get("affected_url") or "").strip()
        video_url = (post.get("video_url") or "").strip()
        if not name:
            errors["name"] = env._("Please give your request a short title.")
        elif len(name) > TITLE_MAX_LENGTH:
            errors["name"] = env._("The title is too long (at most %(max)s characters).", max=TITLE_MAX_LENGTH)
        elif not intake.title_is_meaningful(name):
            errors["name"] = env._("Describe the problem in a few words, e.g. \"Cannot print the sales invoice\".")
        if not description:
            errors["description"] = env._("Please describe the path/steps that lead to the error, or your request.")
        elif len(description) > TEXT_MAX_LENGTH:
            errors["description"] = env._("The description is too long.")
        elif not intake.steps_are_described(plaintext2html(description)):
            errors["description"] = env._(
                "Please describe the steps in more detail (at least one full sentence)."
            )
        if not affected_url:
            errors["affected_url"] = env._("Please give the full address (URL) of the page where the error shows.")
        elif len(affected_url) > URL_MAX_LENGTH or not URL_RE.match(affected_url):
            errors["affected_url"] = env._("The address must be a full URL starting with http:// or https://.")
        if video_url and (len(video_url) > URL_MAX_LENGTH or not URL_RE.match(video_url)):
            errors["video_url"] = env._("The video link must be a full URL starting with http:// or https://.")
        elif not video_url and not uploads_count and "attachments" not in errors:
            errors["attachments"] = env._(
                "Attach screenshots or a video showing the full URL, or give a link to a screen recording (Loom…)."
            )
        severity = env["toperp.helpdesk.severity"].sudo().browse(_to_int(post.get("severity_id"))).exists()
        if not severity or not severity.active:
            errors["severity_id"] = env._("Please choose the severity of the problem.")
        service_types = self._toperp_service_types()
        service_type = service_types.filtered(lambda s: s.id == _to_int(post.get("service_type_id")))
        if not service_type and service_types:
            errors["service_type_id"] = env._("Please choose the service concerned.")
        return {
            "name": name,
            "description": description,
            "affected_url": affected_url,
            "video_url": video_url,
            "severity": severity,
            "service_type": service_type,
        }

    def _toperp_ticket_description(self, clean):
        html = plaintext2html(clean["description"])
        if clean["video_url"]:
            html += Markup('<p>%s <a href="%s">%s</a></p>') % (
                request.env._("Video:"), clean["video_url"], clean["video_url"]
            )
        return html

    @http.route(["/my/support/new"], type="http", auth="user", methods=["GET", "POST"], website=True)
    def toperp_portal_ticket_new(self, **post):
        if request.httprequest.method != "POST":
            values = {}
            service_types = self._toperp_service_types()
            if len(service_types) == 1:
                values["service_type_id"] = str(service_types.id)
            return request.render("toperp_helpdesk_portal.portal_ticket_new", self._toperp_form_values(values))
        errors = {}
        files = request.httprequest.files.getlist("attachments")
        uploads = self._toperp_read_uploads(files, errors)
        clean = self._toperp_validate_ticket(post, len(uploads), errors)
        self._toperp_nul_errors(post, ("name", "description", "affected_url", "video_url"), errors)
        kept = {key: (post.get(key) or "").replace(NUL, "") for key in
                ("name", "description", "affected_url", "video_url", "severity_id", "service_type_id")}
        if not errors:
            errors = self._toperp_rate_limit_errors()
        if errors:
            # "Files are not kept" only when the customer had chosen some.
            values = self._toperp_form_values(kept, errors, had_files=any(f and f.filename for f in files))
            return request.render("toperp_helpdesk_portal.portal_ticket_new", values)
        user = request.env.user
        ticket = request.env[TICKET_MODEL].sudo().create({
            "name": clean["name"],
            "description": self._toperp_ticket_description(clean),
            "affected_url": clean["affected_url"],
            "severity_id": clean["severity"].id,
            "service_type_id": clean["service_type"].id or False,
            "channel": "portal",
            "partner_id": user.partner_id.id,
            "company_id": user.company_id.id,
        })
        # Pending attachments of the user: message_post links them to the ticket.
        attachments = request.env["ir.attachment"].sudo().create([
            {"name": name, "mimetype": mimetype, "raw": data, "res_model": "mail.compose.message", "res_id": 0}
            for name, mimetype, data in uploads
        ])
        # The customer's first message: it carries the files and triggers the acknowledgement.
        ticket.message_post(
            body=request.env._("Request sent from the customer portal."),
            author_id=user.partner_id.id,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        return request.redirect(f"{ticket.access_url}?created=1")

    # ------------------------------------------------------------------
    # Call me back
    # ------------------------------------------------------------------

    def _toperp_callback_slots(self):
        return callback_slots(request.env)

    def _toperp_callback_values(self, values=None, errors=None):
        layout = self._prepare_portal_layout_values()
        layout.update({
            "page_name": "toperp_ticket_callback",
            "slots": self._toperp_callback_slots(),
            "values": values or {},
            "errors": errors or {},
            "hotline": self._toperp_default_team().hotline,
        })
        return layout

    @http.route(["/my/support/callback"], type="http", auth="user", methods=["GET", "POST"], website=True)
    def toperp_portal_ticket_callback(self, **post):
        env = request.env
        user = env.user
        if request.httprequest.method != "POST":
            values = {"phone": user.partner_id.phone or user.partner_id.mobile or "", "slot": "asap"}
            return request.render("toperp_helpdesk_portal.portal_ticket_callback", self._toperp_callback_values(values))
        kept = {key: (post.get(key) or "").strip() for key in ("phone", "slot", "topic")}
        errors = {}
        slots = self._toperp_callback_slots()
        if not kept["phone"]:
            errors["phone"] = env._("Please give the phone number we should call.")
        elif not PHONE_RE.match(kept["phone"]):
            errors["phone"] = env._("This phone number does not look valid.")
        if kept["slot"] not in slots:
            errors["slot"] = env._("Please choose when we should call you.")
        if not kept["topic"]:
            errors["topic"] = env._("Please tell us briefly what the call is about.")
        elif len(kept["topic"]) > TEXT_MAX_LENGTH:
            errors["topic"] = env._("The topic is too long.")
        self._toperp_nul_errors(kept, ("phone", "topic"), errors)
        kept = {key: value.replace(NUL, "") for key, value in kept.items()}
        if not errors:
            errors = self._toperp_rate_limit_errors()
        if errors:
            return request.render(
                "toperp_helpdesk_portal.portal_ticket_callback", self._toperp_callback_values(kept, errors)
            )
        topic_line = kept["topic"].splitlines()[0][:80]
        ticket = env[TICKET_MODEL].sudo().create({
            "name": env._("Call-back request: %(topic)s", topic=topic_line),
            "description": plaintext2html(kept["topic"]),
            "channel": "callback",
            "partner_id": user.partner_id.id,
            "partner_phone": kept["phone"],
            "company_id": user.company_id.id,
        })
        ticket._portal_schedule_callback(kept["phone"], slots[kept["slot"]], kept["topic"])
        return request.redirect(f"{ticket.access_url}?message=callback")


def _to_int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
