from . import (
    test_autoclose,
    test_canned_responses,
    test_desk_tours,
    test_http_smoke,
    test_intake,
    test_intake_job,
    test_mail_gateway,
    test_security,
    test_ticket_intake,
    test_ticket_merge,
    test_ticket_queue,
    test_views,
)
