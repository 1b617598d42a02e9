"""pytest configuration of the project: the fixtures are a plugin (tests/pytest_plugin.py)
so that they also apply to Odoo's own test files that ./setup/test.sh runs."""

pytest_plugins = ["tests.pytest_plugin"]
