from . import test_ticket_smoke
