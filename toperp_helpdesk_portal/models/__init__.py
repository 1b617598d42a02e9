from . import (
    chatbot_script_answer,
    chatbot_script_step,
    discuss_channel,
    im_livechat_channel,
    ir_http,
    res_partner,
    toperp_helpdesk_stage,
    toperp_helpdesk_team,
    toperp_helpdesk_team_dashboard,
    toperp_helpdesk_ticket,
    toperp_helpdesk_ticket_merge,
)
