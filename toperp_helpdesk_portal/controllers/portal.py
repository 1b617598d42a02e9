import mimetypes
import re

import babel.dates
import pytz
from markupsafe import Markup
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.addons.toperp_helpdesk.tools import intake
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import get_lang, plaintext2html
from odoo.tools.mimetypes import guess_mimetype
from odoo.tools.misc import babel_locale_parse

TICKET_MODEL = "toperp.helpdesk.ticket"
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
VIETNAM_TZ_NAMES = {DEFAULT_TZ, "Asia/Saigon"}  # one zone, its old name kept by pytz
TITLE_MAX_LENGTH = 120
TEXT_MAX_LENGTH = 20000
URL_MAX_LENGTH = 2000
URL_RE = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
PHONE_RE = re.compile(r"^\+?[0-9][0-9 .()-]{7,19}$")
# Uploads: screenshots and screen recordings, plus PDF and text logs.
MAX_FILES = 5
DEFAULT_MAX_FILE_MB = 20
ALLOWED_EXTENSIONS = {
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "webp": "image/webp",
    "bmp": "image/bmp",
    "heic": "image/heic",
    "mp4": "video/mp4",
    "mov": "video/quicktime",
    "webm": "video/webm",
    "mkv": "video/x-matroska",
    "avi": "video/x-msvideo",
    "pdf": "application/pdf",
    "txt": "text/plain",
    "log": "text/plain",
}
NUL = "\x00"


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


class ToperpHelpdeskPortal(CustomerPortal):
    # ------------------------------------------------------------------
    # Shared values
    # ------------------------------------------------------------------

    def _prepare_portal_layout_values(self):
        values = super()._prepare_portal_layout_values()
        # sudo: maintenance windows - only the announced windows concerning this customer:
        # of every company or the user's, of every service or one the customer uses.
        user = request.env.user
        service_types = user.partner_id.commercial_partner_id.sudo().toperp_service_type_ids
        values["toperp_maintenance_windows"] = request.env["toperp.helpdesk.maintenance"].sudo()._get_banner_windows(
            fields.Datetime.now(), company=user.company_id, service_types=service_types
        )
        values["toperp_tz"] = self._toperp_tz()
        values["toperp_tz_label"] = self._toperp_tz_label()
        values["toperp_now"] = fields.Datetime.now()
        return values

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "toperp_ticket_count" in counters:
            Ticket = request.env[TICKET_MODEL]
            values["toperp_ticket_count"] = Ticket.search_count([]) if Ticket.has_access("read") else 0
        return values

    def _toperp_nul_error(self):
        """The field error for a value holding a NUL byte: PostgreSQL refuses the byte
        in a text (psycopg2 raises ValueError, an HTTP 500), so such input is refused
        here, as a field error in the customer's language."""
        return request.env._("This field contains an invalid (NUL) character: please type it again.")

    def _toperp_nul_errors(self, post, keys, errors):
        """Set the NUL error on each field of ``keys`` whose value in ``post`` holds one."""
        for key in keys:
            if NUL in (post.get(key) or ""):
                errors[key] = self._toperp_nul_error()

    def _toperp_tz(self):
        user = request.env.user
        return (not user._is_public() and user.tz) or DEFAULT_TZ

    def _toperp_tz_label(self):
        """How the portal names the zone of its times: "Vietnam time (GMT+7)" for the
        zone of Vietnam (under either of its names), otherwise the zone's city and UTC
        offset, never a raw IANA name such as "Asia/Saigon"."""
        tz_name = self._toperp_tz()
        now = pytz.utc.localize(fields.Datetime.now()).astimezone(pytz.timezone(tz_name))
        minutes = int(now.utcoffset().total_seconds() // 60)
        hours, rest = divmod(abs(minutes), 60)
        gmt = f"{'-' if minutes < 0 else '+'}{hours}" + (f":{rest:02d}" if rest else "")
        if tz_name in VIETNAM_TZ_NAMES:
            return request.env._("Vietnam time (GMT%(offset)s)", offset=gmt)
        city = tz_name.rsplit("/", 1)[-1].replace("_", " ")
        return request.env._("%(city)s time (GMT%(offset)s)", city=city, offset=gmt)

    def _toperp_default_team(self):
        return request.env[TICKET_MODEL].sudo()._default_team_id()

    def _toperp_datetime_formatter(self):
        """A function formatting a UTC datetime as the ``datetime`` widget does with
        ``format: short`` in the customer's time zone and language. The list formats
        two dates per row: the widget's per-call lookups (language, locale) cost more
        than the rest of the row, so they are done once per page here."""
        tzinfo = pytz.timezone(self._toperp_tz())
        locale = babel_locale_parse(get_lang(request.env).code)

        def format_datetime(value):
            if not value:
                return ""
            return babel.dates.format_datetime(pytz.utc.localize(value), format="short", tzinfo=tzinfo, locale=locale)

        return format_datetime

    # ------------------------------------------------------------------
    # List
    # ------------------------------------------------------------------

    def _toperp_ticket_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "create_date desc, id desc"},
            "severity": {"label": request.env._("Severity"), "order": "severity_rank desc, create_date desc, id desc"},
            "deadline": {
                "label": request.env._("Deadline"),
                "order": "sla_deadline asc nulls last, create_date desc, id desc",
            },
        }

    def _toperp_ticket_filters(self):
        return {
            "all": {"label": request.env._("All"), "domain": []},
            "open": {"label": request.env._("Open"), "domain": [("is_closed", "=", False)]},
            "closed": {"label": request.env._("Closed"), "domain": [("is_closed", "=", True)]},
        }

    def _toperp_ticket_search_domain(self, search):
        search = (search or "").strip()
        if not search:
            return []
        return ["|", "|", ("number", "ilike", search), ("name", "ilike", search), ("description", "ilike", search)]

    @http.route(["/my/support", "/my/support/page/<int:page>"], type="http", auth="user", website=True)
    def toperp_portal_tickets(self, page=1, sortby=None, filterby=None, search=None, **kw):
        Ticket = request.env[TICKET_MODEL]
        sortings = self._toperp_ticket_sortings()
        filters = self._toperp_ticket_filters()
        sortby = sortby if sortby in sortings else "date"
        filterby = filterby if filterby in filters else "all"
        search_error = NUL in (search or "") and self._toperp_nul_error()
        if search_error:
            search = search.replace(NUL, "")
        domain = filters[filterby]["domain"] + self._toperp_ticket_search_domain(search)

        total = Ticket.search_count(domain)
        pager = portal_pager(
            url="/my/support",
            url_args={"sortby": sortby, "filterby": filterby, "search": search or ""},
            total=total,
            page=page,
            step=self._items_per_page,
        )
        tickets = Ticket.search(domain, order=sortings[sortby]["order"], limit=self._items_per_page,
                                offset=pager["offset"])
        request.session["my_toperp_tickets_history"] = tickets.ids[:100]
        values = self._prepare_portal_layout_values()
        values.update({
            "tickets": tickets,
            "page_name": "toperp_tickets",
            "default_url": "/my/support",
            "pager": pager,
            "searchbar_sortings": sortings,
            "sortby": sortby,
            "searchbar_filters": filters,
            "filterby": filterby,
            "search": search or "",
            "search_error": search_error,
            "format_datetime": self._toperp_datetime_formatter(),
        })
        return request.render("toperp_helpdesk_portal.portal_my_tickets", values)

    # ------------------------------------------------------------------
    # Detail, close, reopen, rate
    # ------------------------------------------------------------------

    def _toperp_ticket_check_access(self, ticket_id, access_token=None):
        return self._document_check_access(TICKET_MODEL, ticket_id, access_token=access_token)

    def _toperp_acting_partner(self, ticket_sudo):
        """Who acts on the ticket: the logged-in customer, or the ticket's customer
        when the page is opened with the ticket's access token."""
        user = request.env.user
        return ticket_sudo.partner_id if user._is_public() else user.partner_id

    def _toperp_ticket_url(self, ticket_sudo, access_token=None, anchor=None, **params):
        query = dict(params)
        if access_token:
            query["access_token"] = access_token
        url = ticket_sudo.access_url
        if query:
            url += "?" + url_encode(query)
        if anchor:
            url += f"#{anchor}"
        return url

    @http.route(["/my/support/<int:ticket_id>"], type="http", auth="public", website=True)
    def toperp_portal_ticket(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._toperp_ticket_check_access(ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        last_rating = ticket_sudo._portal_last_rating()
        rated_since_close = bool(
            last_rating and ticket_sudo.close_date and last_rating.write_date >= ticket_sudo.close_date
        )
        values.update({
            "ticket": ticket_sudo,
            "page_name": "toperp_ticket",
            "sla_statuses": ticket_sudo.sla_status_ids,
            "sla_history": ticket_sudo._sla_stage_history(),
            # A rating of this closure only: a reopened ticket's old rating is history.
            "last_rating": last_rating if rated_since_close else last_rating.browse(),
            "can_rate": ticket_sudo.is_closed and not ticket_sudo.scope_reason_id and not rated_since_close,
            "can_close": ticket_sudo._portal_can_close(),
            "can_reopen": ticket_sudo._portal_can_reopen(),
            "created": kw.get("created"),
            "created_message": request.env._(
                "We have received your request %(number)s. We sent you an acknowledgement by e-mail.",
                number=ticket_sudo.number,
            ),
            "callback_message": request.env._(
                "Your call-back request %(number)s is registered: an agent will call you.", number=ticket_sudo.number
            ),
            "toperp_message": kw.get("message"),
            "toperp_error": kw.get("toperp_error"),
            "feedback_error": request.env._(
                "Your comment contains an invalid (NUL) character: please type it again."
            ),
        })
        # Chatter: the token lets the portal chatter read and post for this ticket only.
        values = self._get_page_view_values(
            ticket_sudo, access_token, values, "my_toperp_tickets_history", False, **kw
        )
        values["token"] = access_token or ticket_sudo._portal_ensure_token()
        return request.render("toperp_helpdesk_portal.portal_my_ticket", values)

    @http.route(["/my/support/<int:ticket_id>/close"], type="http", auth="public", methods=["POST"], website=True)
    def toperp_portal_ticket_close(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._toperp_ticket_check_access(ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            ticket_sudo._portal_close(self._toperp_acting_partner(ticket_sudo))
        except UserError:
            return request.redirect(self._toperp_ticket_url(ticket_sudo, access_token, toperp_error="close"))
        return request.redirect(self._toperp_ticket_url(ticket_sudo, access_token, anchor="rating"))

    @http.route(["/my/support/<int:ticket_id>/reopen"], type="http", auth="public", methods=["POST"], website=True)
    def toperp_portal_ticket_reopen(self, ticket_id, access_token=None, **kw):
        try:
            ticket_sudo = self._toperp_ticket_check_access(ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        try:
            ticket_sudo._portal_reopen(self._toperp_acting_partner(ticket_sudo))
        except UserError:
            return request.redirect(self._toperp_ticket_url(ticket_sudo, access_token, toperp_error="reopen"))
        return request.redirect(self._toperp_ticket_url(ticket_sudo, access_token))

    @http.route(["/my/support/<int:ticket_id>/rate"], type="http", auth="public", methods=["POST"], website=True)
    def toperp_portal_ticket_rate(self, ticket_id, access_token=None, rate=None, feedback=None, **kw):
        try:
            ticket_sudo = self._toperp_ticket_check_access(ticket_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        if NUL in (feedback or ""):
            return request.redirect(
                self._toperp_ticket_url(ticket_sudo, access_token, anchor="rating", toperp_error="feedback")
            )
        try:
            rate = int(rate or 0)
        except ValueError:
            rate = 0
        try:
            ticket_sudo._portal_rate(
                self._toperp_acting_partner(ticket_sudo), rate, (feedback or "").strip()[:TEXT_MAX_LENGTH]
            )
        except UserError:
            return request.redirect(
                self._toperp_ticket_url(ticket_sudo, access_token, anchor="rating", toperp_error="rate")
            )
        return request.redirect(self._toperp_ticket_url(ticket_sudo, access_token, anchor="rating"))

    # ------------------------------------------------------------------
    # New ticket
    # ------------------------------------------------------------------

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
        if errors:
            # "Files are not kept" only when the customer had chosen some.
            values = self._toperp_form_values(kept, errors, had_files=any(f and f.filename for f in files))
            return request.render("toperp_helpdesk_portal.portal_ticket_new", values)
        Ticket = request.env[TICKET_MODEL]
        user = request.env.user
        try:
            Ticket._portal_check_rate_limit(user)
        except UserError as error:
            return request.render(
                "toperp_helpdesk_portal.portal_ticket_new",
                self._toperp_form_values(kept, {"form": error.args[0]}),
            )
        ticket = Ticket.sudo().create({
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
        if errors:
            return request.render(
                "toperp_helpdesk_portal.portal_ticket_callback", self._toperp_callback_values(kept, errors)
            )
        Ticket = env[TICKET_MODEL]
        try:
            Ticket._portal_check_rate_limit(user)
        except UserError as error:
            return request.render(
                "toperp_helpdesk_portal.portal_ticket_callback",
                self._toperp_callback_values(kept, {"form": error.args[0]}),
            )
        topic_line = kept["topic"].splitlines()[0][:80]
        ticket = Ticket.sudo().create({
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


# ----------------------------------------------------------------------
# Limits of the files customers upload (new-ticket form, ticket chatter)
# ----------------------------------------------------------------------


def max_file_mb(env):
    value = env["ir.config_parameter"].sudo().get_param("toperp_helpdesk_portal.max_upload_mb")
    return _to_int(value) or DEFAULT_MAX_FILE_MB


def upload_name(filename):
    """The file name without the client's folders."""
    return (filename or "").replace("\\", "/").rsplit("/", 1)[-1][:200]


def upload_mimetype(name):
    """The type the portal stores a file under, from its extension (None: refused)."""
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return ALLOWED_EXTENSIONS.get(ext)


def upload_type_error(env, name):
    """Why a file of this name is refused (its type), or None."""
    if upload_mimetype(name):
        return None
    return env._(
        "The file %(name)s is not accepted. Accepted types: %(types)s.",
        name=name,
        types=", ".join(sorted(ALLOWED_EXTENSIONS)),
    )


def upload_content_error(env, name, data, max_mb):
    """Why a file of an accepted type is refused (size, empty, content of another
    type), or None. ``data``: its content, read up to one byte past the limit."""
    if len(data) > max_mb * 1024 * 1024:
        return env._(
            "The file %(name)s is larger than %(size)s MB. Please share big videos as a link (Loom…).",
            name=name,
            size=max_mb,
        )
    if not data:
        return env._("The file %(name)s is empty.", name=name)
    mimetype = upload_mimetype(name)
    ext = name.rsplit(".", 1)[-1].lower()
    sniffed = guess_mimetype(data, default="application/octet-stream")
    compatible = (
        sniffed == "application/octet-stream"
        or sniffed.split("/")[0] == mimetype.split("/")[0]
        or sniffed == mimetypes.types_map.get(f".{ext}")
    )
    if not compatible:
        return env._("The content of %(name)s does not match its type.", name=name)
    return None
