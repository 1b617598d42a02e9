from . import toperp_helpdesk_stage, toperp_helpdesk_ticket
