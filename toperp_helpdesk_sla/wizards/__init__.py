from . import toperp_helpdesk_holiday_wizard
