from . import test_portal_tours
