from . import toperp_helpdesk_stage
from . import toperp_helpdesk_ticket
