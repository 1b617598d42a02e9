from . import attachment, portal, portal_ticket_forms, support, uploads
