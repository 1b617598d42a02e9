{
    "name": "TopERP Helpdesk SLA",
    "summary": "SLA policies on a business-time clock: office hours, 24/7 for High and "
    "Critical, Vietnamese holidays, warnings, escalation, on-call",
    "version": "18.0.1.0.0",
    "category": "Services/Helpdesk",
    "website": "https://toperp.vn",
    "author": "TopERP",
    "license": "LGPL-3",
    "depends": ["toperp_helpdesk", "resource"],
    "external_dependencies": {"python": ["holidays"]},
    "data": [],
    "installable": True,
}
