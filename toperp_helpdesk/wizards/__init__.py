from . import toperp_helpdesk_scope_wizard
