from . import attachment, portal, support
