from . import toperp_helpdesk_sla_report
