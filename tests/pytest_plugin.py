"""pytest fixtures of every test run by ./setup/test.sh, ours and Odoo's own mail tests
(a plugin, loaded by the root conftest.py: its fixtures apply to every collected test,
also those outside this repository).

pytest-odoo's own ``--odoo-http`` starts and immediately stops Odoo's server for each
test module (``server.start(stop=True)``), which leaves ``HttpCase`` and tours racing a
server that shuts down. We start one threaded HTTP server for the whole session
instead, exactly as ``odoo-bin --test-enable`` does, so that every HttpCase and
Chromium tour really runs.
"""

import pytest

import odoo
from odoo.service import server as odoo_server

# Odoo logs an ERROR when its test framework is imported outside test mode; pytest-odoo
# imports it before switching test mode on. Import it here, in test mode.
odoo.tools.config["test_enable"] = True
import odoo.tests  # noqa: E402

odoo.tools.config["test_enable"] = False


@pytest.fixture(scope="session", autouse=True)
def odoo_http_server(load_registry):
    """One HTTP server for the session (pytest-odoo's start(stop=True) leaves none)."""
    srv = odoo_server.server
    if srv is None:
        srv = odoo_server.server = odoo_server.ThreadedServer(odoo.http.root)
    started = getattr(srv, "httpd", None) is None
    if started:
        srv.http_spawn()
    yield srv
    if started:
        srv.httpd.shutdown()


@pytest.fixture(autouse=True)
def odoo_current_test(request):
    """Mark the running test as Odoo's runner does (``odoo.tests.suite``): Odoo then
    never opens a real SMTP connection, and HTTP test cursors know their test."""
    previous = odoo.modules.module.current_test
    odoo.modules.module.current_test = request.instance if request.instance is not None else True
    yield
    odoo.modules.module.current_test = previous
