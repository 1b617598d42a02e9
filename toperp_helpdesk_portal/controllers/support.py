"""The public support page (/support): the support policy rendered from the live
configuration (office calendar, SLA policies, severities, out-of-scope reasons,
announced maintenance, the team's alias and hotline), the "Chat with us" button and an
anonymous "Call me back" form."""

from datetime import timedelta

import babel.dates
import pytz

from odoo import fields, http
from odoo.http import request
from odoo.tools import SQL, get_lang, plaintext2html
from odoo.tools.misc import babel_locale_parse

from .portal import DEFAULT_TZ, TEXT_MAX_LENGTH
from .portal_ticket_forms import PHONE_RE, callback_slots

# Anonymous call-backs: per phone number and for all visitors together, per window.
CALLBACK_WINDOW_MINUTES = 10
DEFAULT_PUBLIC_CALLBACK_LIMIT = 10
CALLBACKS_PER_PHONE = 2
NAME_MAX_LENGTH = 120
HONEYPOT_FIELD = "website_url"


def _hours(value):
    hours, minutes = divmod(round(value * 60), 60)
    return f"{hours:02d}:{minutes:02d}"


class ToperpSupportPage(http.Controller):
    def _support_team(self):
        return request.env["toperp.helpdesk.ticket"].sudo()._default_team_id()

    def _office_calendar(self):
        calendar = request.env.ref("toperp_helpdesk_sla.calendar_office_hours", raise_if_not_found=False)
        return calendar and calendar.sudo()

    def _office_hours(self, calendar):
        """Lines "Monday – Friday: 08:00–12:00, 13:00–17:30": days with the same periods
        grouped when they follow each other."""
        if not calendar:
            return []
        calendar = calendar.sudo()
        day_names = dict(calendar.attendance_ids._fields["dayofweek"]._description_selection(request.env))
        periods = {}
        for attendance in calendar.attendance_ids.filtered(lambda a: a.day_period != "lunch"):
            periods.setdefault(attendance.dayofweek, []).append((attendance.hour_from, attendance.hour_to))
        groups = []
        for day in sorted(periods, key=int):
            spans = ", ".join(f"{_hours(start)}–{_hours(end)}" for start, end in sorted(periods[day]))
            if groups and groups[-1]["spans"] == spans and int(groups[-1]["last"]) == int(day) - 1:
                groups[-1]["last"] = day
            else:
                groups.append({"first": day, "last": day, "spans": spans})
        return [
            {
                "days": day_names[g["first"]] if g["first"] == g["last"]
                else f"{day_names[g['first']]} – {day_names[g['last']]}",
                "spans": g["spans"],
            }
            for g in groups
        ]

    def _severities(self):
        """The severities, most urgent first, each with its criteria and the standard
        plan's policy: first response target and whether it counts 24/7."""
        env = request.env
        severities = env["toperp.helpdesk.severity"].sudo().search([], order="sequence desc")
        policies = env["toperp.helpdesk.sla.policy"].sudo().search(
            [("support_plan", "=", False), ("service_type_ids", "=", False), ("team_ids", "=", False),
             ("partner_ids", "=", False)],
            order="sequence, id",
        )
        rows = []
        for severity in severities:
            policy = policies.filtered(lambda p, s=severity: s in p.severity_ids)[:1]
            rows.append({
                "severity": severity,
                "criteria": [line.lstrip("- ").strip() for line in (severity.description or "").splitlines()
                             if line.strip()],
                "policy": policy,
                "always": bool(policy) and not policy.calendar_id,
            })
        return rows

    def _format_datetime(self, value, tz):
        locale = babel_locale_parse(get_lang(request.env).code)
        return babel.dates.format_datetime(
            pytz.utc.localize(value), format="short", tzinfo=pytz.timezone(tz), locale=locale
        )

    def _support_values(self, values=None, errors=None, **extra):
        env = request.env
        team = self._support_team()
        calendar = self._office_calendar()
        tz = (calendar and calendar.tz) or DEFAULT_TZ
        now = fields.Datetime.now()
        maintenances = env["toperp.helpdesk.maintenance"].sudo()._get_banner_windows(now, days_ahead=60)
        severities = self._severities()
        return {
            "team": team,
            "alias_email": team.alias_id.display_name if team.alias_id.alias_name else False,
            "hotline": team.hotline,
            "office_hours": self._office_hours(calendar),
            "always_names": ", ".join(row["severity"].name for row in severities if row["always"]),
            "severities": severities,
            "scope_reasons": env["toperp.helpdesk.scope.reason"].sudo().search([]),
            "maintenances": [
                {
                    "window": window,
                    "start": self._format_datetime(window.date_start, tz),
                    "end": self._format_datetime(window.date_end, tz),
                }
                for window in maintenances
            ],
            "slots": self._callback_slots(),
            "values": values or {"slot": "asap"},
            "errors": errors or {},
            "honeypot_field": HONEYPOT_FIELD,
            **extra,
        }

    def _callback_slots(self):
        return callback_slots(request.env)

    @http.route("/support", type="http", auth="public", methods=["GET"], website=True, sitemap=True)
    def support_page(self, **kw):
        return request.render("toperp_helpdesk_portal.support_page", self._support_values())

    # ------------------------------------------------------------------
    # Call me back (anonymous)
    # ------------------------------------------------------------------

    def _validate_callback(self, kept):
        env = request.env
        errors = {}
        if not kept["name"]:
            errors["name"] = env._("Please tell us your name.")
        elif len(kept["name"]) > NAME_MAX_LENGTH:
            errors["name"] = env._("The name is too long.")
        if not kept["phone"]:
            errors["phone"] = env._("Please give the phone number we should call.")
        elif not PHONE_RE.match(kept["phone"]):
            errors["phone"] = env._("This phone number does not look valid.")
        if len(kept["company"]) > NAME_MAX_LENGTH:
            errors["company"] = env._("The company name is too long.")
        if kept["slot"] not in self._callback_slots():
            errors["slot"] = env._("Please choose when we should call you.")
        if not kept["topic"]:
            errors["topic"] = env._("Please tell us briefly what the call is about.")
        elif len(kept["topic"]) > TEXT_MAX_LENGTH:
            errors["topic"] = env._("The topic is too long.")
        return errors

    def _callback_rate_limited(self, phone):
        """Whether anonymous call-backs went over their limits lately: per phone number,
        and for all anonymous visitors together. The public user's row is locked until
        the transaction ends, so that two workers count each other's requests."""
        env = request.env
        public_user = env.user
        env.cr.execute(SQL("SELECT id FROM res_users WHERE id = %s FOR NO KEY UPDATE", public_user.id))
        since = fields.Datetime.now() - timedelta(minutes=CALLBACK_WINDOW_MINUTES)
        Ticket = env["toperp.helpdesk.ticket"].sudo().with_context(active_test=False)
        domain = [("channel", "=", "callback"), ("create_uid", "=", public_user.id), ("create_date", ">=", since)]
        try:
            limit = int(env["ir.config_parameter"].sudo().get_param(
                "toperp_helpdesk_portal.public_callback_limit", DEFAULT_PUBLIC_CALLBACK_LIMIT
            ))
        except ValueError:
            limit = DEFAULT_PUBLIC_CALLBACK_LIMIT
        if limit > 0 and Ticket.search_count(domain) >= limit:
            return True
        return Ticket.search_count(domain + [("partner_phone", "=", phone)]) >= CALLBACKS_PER_PHONE

    @http.route("/support/callback", type="http", auth="public", methods=["POST"], website=True, sitemap=False)
    def support_callback(self, **post):
        env = request.env
        if not env.user._is_public():
            # Logged-in customers have the portal form, which knows their company.
            return request.redirect("/my/support/callback")
        kept = {key: (post.get(key) or "").strip() for key in ("name", "phone", "company", "slot", "topic")}
        if post.get(HONEYPOT_FIELD):
            # Filled by a robot (the field is hidden to people): thank it, create nothing.
            return request.render("toperp_helpdesk_portal.support_callback_done", {"ticket": None})
        errors = self._validate_callback(kept)
        if not errors and self._callback_rate_limited(kept["phone"]):
            errors["form"] = env._(
                "We have received several call-back requests in the last minutes. Please try again a "
                "little later, or call our hotline if it is urgent."
            )
        if errors:
            return request.render(
                "toperp_helpdesk_portal.support_page", self._support_values(kept, errors, scroll_to_callback=True)
            )
        team = self._support_team()
        partner = env["res.partner"].sudo().create({
            "name": kept["name"],
            "phone": kept["phone"],
            "company_name": kept["company"] or False,
            "lang": get_lang(env).code,
        })
        topic_line = kept["topic"].splitlines()[0][:80]
        ticket = env["toperp.helpdesk.ticket"].sudo().create({
            "name": env._("Call-back request: %(topic)s", topic=topic_line),
            "description": plaintext2html(kept["topic"]),
            "channel": "callback",
            "partner_id": partner.id,
            "partner_name": kept["name"],
            "partner_phone": kept["phone"],
            "team_id": team.id,
            "company_id": team.company_id.id,
        })
        ticket._portal_schedule_callback(kept["phone"], self._callback_slots()[kept["slot"]], kept["topic"])
        return request.render("toperp_helpdesk_portal.support_callback_done", {"ticket": ticket})
