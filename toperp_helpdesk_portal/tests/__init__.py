from . import test_portal_flows
from . import test_portal_screenshots
from . import test_portal_security
from . import test_portal_tours
