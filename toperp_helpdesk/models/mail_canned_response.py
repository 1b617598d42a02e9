from odoo import fields, models


class MailCannedResponse(models.Model):
    """The helpdesk ships its policy's replies as canned responses (``:`` shortcuts of
    the chatter composer) that read in each agent's language: their text is
    translatable. Odoo stores a translatable field per language and falls back to the
    source text, so the canned responses of other apps read as before in every
    language (tests/test_canned_responses.py checks both)."""

    _inherit = "mail.canned.response"

    substitution = fields.Text(translate=True)
    description = fields.Char(translate=True)
