from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def signup_prepare(self, signup_type="signup"):
        """Every e-mail to a customer without an account asks for a signup link, which
        rewrote the customer's row each time: two workers answering the same customer
        at once then failed on a serialization error. Only partners whose signup type
        changes are written (the signup token does not depend on the write date)."""
        changed = self.filtered(lambda partner: partner.signup_type != signup_type)
        return super(ResPartner, changed).signup_prepare(signup_type=signup_type)
