from . import (
    mail_alias,
    mail_mail,
    mail_thread,
    res_partner,
    toperp_helpdesk_maintenance,
    toperp_helpdesk_scope_reason,
    toperp_helpdesk_service_type,
    toperp_helpdesk_severity,
    toperp_helpdesk_stage,
    toperp_helpdesk_tag,
    toperp_helpdesk_team,
    toperp_helpdesk_ticket,
)
