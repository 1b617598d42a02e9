from urllib.parse import urlsplit

from odoo import api, fields, models
from odoo.tools import email_domain_extract

# Addresses anyone can have: they say nothing of the sender's company.
PUBLIC_MAIL_DOMAINS = frozenset({
    "aol.com", "gmail.com", "gmx.com", "googlemail.com", "hotmail.com", "icloud.com", "live.com", "mail.ru",
    "me.com", "msn.com", "outlook.com", "proton.me", "protonmail.com", "yahoo.com", "yahoo.com.vn",
    "yandex.com", "ymail.com", "zoho.com",
})


# What a new ticket reads of its customer's company (plan, suspension, dedicated agent,
# portal scope): fetched alone by _toperp_company_support_terms.
SUPPORT_TERMS_FIELDS = (
    "toperp_support_plan", "toperp_support_suspended", "toperp_dedicated_user_id", "toperp_portal_scope",
)


class ResPartner(models.Model):
    _inherit = "res.partner"

    toperp_service_type_ids = fields.Many2many(
        "toperp.helpdesk.service.type",
        string="Services Bought",
        help="TopERP services this customer has bought (SaaS, On-Premise, Customize, Add-ons).",
    )
    toperp_support_plan = fields.Selection(
        [("standard", "Standard"), ("priority", "Priority")],
        string="Support Plan",
        default="standard",
        help="Priority support brings a dedicated agent and tighter SLA targets.",
    )
    toperp_dedicated_user_id = fields.Many2one(
        "res.users",
        string="Dedicated Agent",
        domain="[('share', '=', False)]",
        help="Agent who gets this customer's tickets (Priority plan).",
    )
    toperp_support_suspended = fields.Boolean(
        string="Support Suspended", help="Unpaid fees or terms violation: tickets are flagged."
    )
    toperp_suspension_reason = fields.Char(string="Suspension Reason")
    toperp_portal_scope = fields.Selection(
        [("company", "Whole company"), ("own", "Own tickets only")],
        string="Portal Tickets",
        default="company",
        help="Which tickets this customer's contacts see on the portal.",
    )
    toperp_email_domain = fields.Char(
        string="E-mail Domain",
        compute="_compute_toperp_email_domain",
        store=True,
        readonly=False,
        index="btree_not_null",
        help="A new sender whose address ends with this domain (e.g. hoasen.vn) becomes a contact of this "
        "company, sharing its support profile and tickets. Taken from the company's e-mail or website, "
        "never a public provider's (gmail.com…); empty to link nobody.",
    )
    toperp_ticket_ids = fields.One2many(
        "toperp.helpdesk.ticket", "commercial_partner_id", string="Helpdesk Tickets"
    )
    toperp_ticket_count = fields.Integer(string="Tickets", compute="_compute_toperp_ticket_count")

    def _toperp_company_support_terms(self):
        """These contacts' companies, their support terms in the cache. Read alone:
        nothing else of a company is read when one of its contacts opens a ticket,
        and its whole row (~60 columns) costs ~0.9 ms more per e-mail."""
        companies = self.commercial_partner_id
        companies.fetch(SUPPORT_TERMS_FIELDS)
        return companies

    def _compute_toperp_ticket_count(self):
        commercial = self.commercial_partner_id
        counts = dict(
            self.env["toperp.helpdesk.ticket"]._read_group(
                [("commercial_partner_id", "in", commercial.ids)], ["commercial_partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.toperp_ticket_count = counts.get(partner.commercial_partner_id, 0)

    @api.depends("is_company", "email", "website")
    def _compute_toperp_email_domain(self):
        for partner in self:
            domain = False
            if partner.is_company:
                domain = email_domain_extract(partner.email or "") or _website_host(partner.website)
            partner.toperp_email_domain = _company_mail_domain(domain)

    @api.model
    def _toperp_company_for_email(self, email):
        """The customer company whose e-mail domain is ``email``'s: the one company,
        never one of ours (the support team's own domain) and never when two
        companies claim the domain (which one would be a guess)."""
        domain = _company_mail_domain(email_domain_extract(email or ""))
        if not domain:
            return self.browse()
        companies = self.sudo().search([
            ("toperp_email_domain", "=", domain),
            ("is_company", "=", True),
            ("id", "not in", self.env["res.company"].sudo().search([]).partner_id.ids),
        ], limit=2)
        return companies if len(companies) == 1 else self.browse()

    @api.model
    def _commercial_fields(self):
        # The support profile belongs to the company: its contacts share it.
        return super()._commercial_fields() + [
            "toperp_service_type_ids",
            "toperp_support_plan",
            "toperp_dedicated_user_id",
            "toperp_support_suspended",
            "toperp_suspension_reason",
            "toperp_portal_scope",
        ]

    def action_view_toperp_tickets(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("toperp_helpdesk.toperp_helpdesk_ticket_action")
        action["domain"] = [("commercial_partner_id", "=", self.commercial_partner_id.id)]
        action["context"] = {"default_partner_id": self.id}
        return action


def _company_mail_domain(domain):
    """``domain`` lower-cased without a leading "www.", or False for a public provider."""
    domain = (domain or "").strip().lower().removeprefix("www.")
    return domain if domain and domain not in PUBLIC_MAIL_DOMAINS else False


def _website_host(website):
    """The host of a website as people type it ("hoasen.vn", "https://www.hoasen.vn/")."""
    website = (website or "").strip()
    if not website:
        return False
    return urlsplit(website if "//" in website else f"//{website}").hostname or False
