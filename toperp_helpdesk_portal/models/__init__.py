from . import ir_http, res_partner, toperp_helpdesk_stage, toperp_helpdesk_ticket
