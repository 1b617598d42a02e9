from . import (
    toperp_helpdesk_incident_update_wizard,
    toperp_helpdesk_scope_wizard,
    toperp_helpdesk_ticket_mass_wizard,
    toperp_helpdesk_ticket_merge_wizard,
)
