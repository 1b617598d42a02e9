from odoo import fields, models


class ChatbotScriptAnswer(models.Model):
    _inherit = "chatbot.script.answer"

    toperp_severity_id = fields.Many2one(
        "toperp.helpdesk.severity",
        string="Ticket Severity",
        ondelete="set null",
        help="The severity of the ticket the script creates when the visitor picks this answer.",
    )
