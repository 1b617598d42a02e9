"""The customer's tickets on the portal: the list (``/my/support``: sorts, filters,
search, in the customer's time zone), a ticket's page, and closing, reopening and rating a
ticket. The customer's forms (a new ticket, a call-back): portal_ticket_forms.py."""

import babel.dates
import pytz
from werkzeug.urls import url_encode

from odoo import fields, http
from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request
from odoo.tools import get_lang
from odoo.tools.misc import babel_locale_parse

TICKET_MODEL = "toperp.helpdesk.ticket"
DEFAULT_TZ = "Asia/Ho_Chi_Minh"
VIETNAM_TZ_NAMES = {DEFAULT_TZ, "Asia/Saigon"}  # one zone, its old name kept by pytz
TEXT_MAX_LENGTH = 20000
NUL = "\x00"


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
