from . import (
    res_partner,
    resource_calendar,
    resource_calendar_attendance,
    resource_calendar_leaves,
    toperp_helpdesk_oncall,
    toperp_helpdesk_sla_policy,
    toperp_helpdesk_sla_status,
    toperp_helpdesk_team_dashboard,
    toperp_helpdesk_ticket,
    toperp_helpdesk_ticket_merge,
    toperp_helpdesk_ticket_sla_install,
)
