from . import (
    test_autoclose,
    test_customers,
    test_http_smoke,
    test_intake,
    test_intake_job,
    test_mail_gateway,
    test_security,
    test_ticket_intake,
    test_ticket_queue,
    test_ticket_customer_search,
    test_ticket_search,
    test_views,
)
