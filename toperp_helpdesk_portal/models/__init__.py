from . import (
    ir_http,
    res_partner,
    toperp_helpdesk_stage,
    toperp_helpdesk_team_dashboard,
    toperp_helpdesk_ticket,
    toperp_helpdesk_ticket_merge,
)
