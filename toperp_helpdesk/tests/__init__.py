from . import test_http_smoke
from . import test_mail_gateway
