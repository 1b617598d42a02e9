from . import test_http_smoke, test_mail_gateway
