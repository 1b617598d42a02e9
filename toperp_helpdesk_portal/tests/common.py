import json

from odoo import http
from odoo.tests import HttpCase, new_test_user


class PortalCase(HttpCase):
    """Two customer companies, A and B, each with portal contacts, and an agent."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.Ticket = env["toperp.helpdesk.ticket"]
        cls.team = env.ref("toperp_helpdesk.team_support")
        cls.agent = new_test_user(env, "toperp_agent", groups="toperp_helpdesk.group_user", name="Agent Smith")
        cls.team.member_ids = cls.agent
        cls.severity_low = env.ref("toperp_helpdesk.severity_low")
        cls.severity_high = env.ref("toperp_helpdesk.severity_high")
        cls.saas = env.ref("toperp_helpdesk.service_type_saas")
        cls.company_a = env["res.partner"].create({
            "name": "Công ty A", "is_company": True, "toperp_service_type_ids": [(6, 0, cls.saas.ids)],
        })
        cls.company_b = env["res.partner"].create({"name": "Company B", "is_company": True})
        cls.user_a = new_test_user(
            env, "portal_a", groups="base.group_portal", name="Alice A", email="alice@a.example.com",
            tz="Asia/Ho_Chi_Minh",
        )
        cls.user_a.partner_id.parent_id = cls.company_a
        cls.user_a2 = new_test_user(
            env, "portal_a2", groups="base.group_portal", name="Anh A2", email="anh@a.example.com"
        )
        cls.user_a2.partner_id.parent_id = cls.company_a
        cls.user_b = new_test_user(
            env, "portal_b", groups="base.group_portal", name="Bob B", email="bob@b.example.com"
        )
        cls.user_b.partner_id.parent_id = cls.company_b

    @classmethod
    def _ticket(cls, user, name, **values):
        vals = {
            "name": name,
            "description": "<p>Open the invoice list and click print, nothing happens</p>",
            "partner_id": user.partner_id.id,
            "channel": "portal",
            "team_id": cls.team.id,
        }
        vals.update(values)
        return cls.Ticket.create(vals)

    # ------------------------------------------------------------------
    # HTTP helpers
    # ------------------------------------------------------------------

    def _post(self, url, data=None, files=None, csrf=True):
        data = dict(data or {})
        if csrf:
            data["csrf_token"] = http.Request.csrf_token(self)
        return self.url_open(url, data=data, files=files)

    def _jsonrpc(self, route, params):
        """JSON-RPC call returning the whole decoded answer (result or error)."""
        response = self.url_open(
            route,
            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            headers={"Content-Type": "application/json"},
        )
        return response.json()
