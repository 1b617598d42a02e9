{
    "name": "TopERP Helpdesk Portal",
    "summary": "Customer portal for TopERP support: list, follow and open tickets, "
    "call-back requests, SLA deadlines, maintenance banner, satisfaction ratings, live chat",
    "version": "18.0.1.0.0",
    "category": "Services/Helpdesk",
    "website": "https://toperp.vn",
    "author": "TopERP",
    "license": "LGPL-3",
    "depends": ["toperp_helpdesk_sla", "portal", "rating", "im_livechat"],
    "data": [
        "security/ir.model.access.csv",
        "security/toperp_helpdesk_portal_security.xml",
        "security/mail_notification_security.xml",
        "data/mail_template_data.xml",
        "data/toperp_helpdesk_portal_data.xml",
        "data/im_livechat_channel_data.xml",
        "views/toperp_helpdesk_ticket_views.xml",
        "views/toperp_helpdesk_stage_views.xml",
        "views/toperp_helpdesk_portal_templates.xml",
        "views/im_livechat_views.xml",
        "views/support_page_templates.xml",
        "views/toperp_helpdesk_portal_merge_templates.xml",
        "views/toperp_helpdesk_dashboard_views.xml",
    ],
    "assets": {
        "web.assets_frontend": [
            "toperp_helpdesk_portal/static/src/js/ticket_form.js",
            "toperp_helpdesk_portal/static/src/js/support_page.js",
            "toperp_helpdesk_portal/static/src/scss/portal.scss",
        ],
        "web.assets_backend": [
            "toperp_helpdesk_portal/static/src/core/channel_commands.js",
        ],
        "web.assets_tests": [
            "toperp_helpdesk_portal/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
