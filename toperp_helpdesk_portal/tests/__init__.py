from . import (
    test_livechat_chatbot,
    test_livechat_ticket,
    test_portal_chatter_upload,
    test_portal_first_week,
    test_portal_flows,
    test_portal_merge,
    test_portal_query_count,
    test_portal_screenshots,
    test_portal_security,
    test_portal_tours,
    test_support_page,
)
