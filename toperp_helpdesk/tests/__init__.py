from . import test_ticket_smoke
from . import test_http_smoke
