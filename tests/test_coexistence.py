"""Our addons installed beside OCA's helpdesk_mgmt 18.0 (DESIGN §2): both portals and
both mail aliases work, each with its own code.

``helpdesk_mgmt`` comes from its PyPI wheel, unpacked by ``./setup/test.sh``
(``ensure_oca_addons``) into ``$TOPERP_OCA_ADDONS`` — the test itself downloads
nothing, and fails (it is not skipped) when the directory is missing. In a database of
its own (``<test db>_oca``, dropped at the end) with that directory on the addons path
of a derived configuration, the test installs ``helpdesk_mgmt`` and our portal addon
together, delivers one e-mail to each app's alias through the mail gateway (as
``setup/mailgate.sh`` does), starts a real Odoo server on the database and checks, as
each app's portal customer:

- our portal under ``/my/support`` (list, ticket page), our old links
  ``/my/tickets/<id>`` redirected there, our home entry and counter;
- OCA's portal under ``/my/tickets`` and ``/my/ticket/<id>`` (its own pages: its list
  is not ours), its home entry and counter.
"""

import configparser
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

import odoo
from odoo.tests import tagged
from odoo.tests.common import BaseCase, get_db_name
from odoo.tools import config

from .scale.harness import free_port

LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) .*$", re.MULTILINE)
INSTALL_TIMEOUT = 1200

# Run by ``odoo-bin shell`` in the coexistence database: both aliases, one portal customer
# per app, one e-mail to each alias. Prints one RESULT line (JSON).
SETUP_SCRIPT = r'''
import json
from email.message import EmailMessage

domain = env["mail.alias.domain"].search([], limit=1) or env["mail.alias.domain"].create({"name": "toperp.vn"})
env.company.alias_domain_id = domain
ours = env.ref("toperp_helpdesk.team_support").alias_id
ours.write({"alias_domain_id": domain.id, "alias_contact": "everyone"})
team = env["helpdesk.ticket.team"].create({"name": "OCA Desk", "alias_name": "ocadesk", "show_in_portal": True})
team.alias_id.write({"alias_domain_id": domain.id, "alias_contact": "everyone"})
portal = env.ref("base.group_portal")
users = {}
for key, name in (("ours", "Khách TopERP"), ("oca", "OCA Customer")):
    company = env["res.partner"].create({"name": f"{name} Co", "is_company": True})
    user = env["res.users"].with_context(no_reset_password=True).create({
        "name": name, "login": f"coexist_{key}", "password": f"coexist_{key}_pw",
        "email": f"{key}@customer.example.com", "groups_id": [(6, 0, portal.ids)],
    })
    user.partner_id.parent_id = company
    users[key] = user
created = {}
for key, alias, model, subject in (
    ("ours", ours.alias_full_name, "toperp.helpdesk.ticket", "Không in được hóa đơn bán hàng"),
    ("oca", team.alias_id.alias_full_name, "helpdesk.ticket", "OCA printer does not print"),
):
    msg = EmailMessage()
    msg["Message-Id"] = f"<coexist-{key}@customer.example.com>"
    msg["From"] = f"{users[key].name} <{users[key].email}>"
    msg["To"] = alias
    msg["Subject"] = subject
    msg.set_content("Vào Bán hàng > Hóa đơn, chọn một hóa đơn rồi bấm In: không có gì xảy ra.\n")
    record_id = env["mail.thread"].message_process(None, msg.as_bytes())
    record = env[model].browse(record_id)
    created[key] = {"alias": alias, "model": record._name, "id": record.id, "name": record.name,
                    "partner": record.partner_id.id, "customer": users[key].partner_id.id}
env.cr.commit()
print("RESULT " + json.dumps(created))
'''


@tagged("post_install", "-at_install")
class TestCoexistenceWithOcaHelpdesk(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.oca_addons = Path(os.environ.get("TOPERP_OCA_ADDONS") or Path(
            os.environ.get("TOPERP_CACHE_DIR") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
            / "toperp-helpdesk") / "oca-addons")
        cls.db = f"{get_db_name()}_oca"
        cls.workdir = Path(tempfile.mkdtemp(prefix="toperp-coexist."))
        cls.conf = cls.workdir / "odoo.conf"
        cls.odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
        cls.server = None

    @classmethod
    def tearDownClass(cls):
        if cls.server and cls.server.poll() is None:
            cls.server.terminate()
            try:
                cls.server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                cls.server.kill()
                cls.server.wait(timeout=10)
        subprocess.run(["dropdb", "--if-exists", cls.db], env=cls._pg_env(), check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        super().tearDownClass()

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------

    @classmethod
    def _pg_env(cls):
        env = dict(os.environ)
        for key, var in (("db_host", "PGHOST"), ("db_port", "PGPORT"), ("db_user", "PGUSER"),
                         ("db_password", "PGPASSWORD")):
            if config.get(key):
                env[var] = str(config[key])
        return env

    def _write_conf(self):
        parser = configparser.ConfigParser(interpolation=None)
        parser.read(config.rcfile)
        options = parser["options"]
        paths = [p for p in options.get("addons_path", "").split(",") if p.strip()]
        options["addons_path"] = ",".join([*paths, str(self.oca_addons)])
        options["db_name"] = self.db
        options["dbfilter"] = f"^{re.escape(self.db)}$"
        options["logfile"] = ""
        with self.conf.open("w") as handle:
            parser.write(handle)

    def _odoo(self, *args, stdin=None, timeout=INSTALL_TIMEOUT):
        proc = subprocess.run(
            [sys.executable, str(self.odoo_bin), *args, "-c", str(self.conf), "-d", self.db, "--log-level=warn"],
            input=stdin, capture_output=True, text=True, timeout=timeout, check=False,
        )
        output = proc.stdout + proc.stderr
        self.assertEqual(proc.returncode, 0, output[-3000:])
        self.assertFalse(LOG_ERROR.findall(output), output[-3000:])
        return output

    def _start_server(self):
        port = free_port()
        log = (self.workdir / "server.log").open("w")
        type(self).server = subprocess.Popen(
            [sys.executable, str(self.odoo_bin), "-c", str(self.conf), "-d", self.db, "--workers=0",
             "--max-cron-threads=0", "--http-interface=127.0.0.1", f"--http-port={port}", "--log-level=warn"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            self.assertIsNone(self.server.poll(), (self.workdir / "server.log").read_text()[-3000:])
            try:
                if requests.get(f"{url}/web/health", timeout=5).status_code == 200:
                    return url
            except requests.RequestException:
                pass
            time.sleep(0.5)
        self.fail("the coexistence server did not start")

    def _login(self, url, login):
        session = requests.Session()
        answer = session.post(f"{url}/web/session/authenticate", timeout=60, headers={
            "Content-Type": "application/json"}, data=json.dumps({
                "jsonrpc": "2.0", "method": "call", "id": 1,
                "params": {"db": self.db, "login": login, "password": f"{login}_pw"}}),
        ).json()
        self.assertNotIn("error", answer, login)
        return session

    def _counters(self, session, url, counters):
        return session.post(f"{url}/my/counters", timeout=60, headers={"Content-Type": "application/json"},
                            data=json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1,
                                             "params": {"counters": counters}})).json()["result"]

    # ------------------------------------------------------------------
    # The test
    # ------------------------------------------------------------------

    def test_both_portals_and_both_aliases(self):
        self.assertTrue((self.oca_addons / "helpdesk_mgmt" / "__manifest__.py").is_file(),
                        f"helpdesk_mgmt is not in {self.oca_addons}: run ./setup/test.sh (ensure_oca_addons)")
        self._write_conf()
        subprocess.run(["dropdb", "--if-exists", self.db], env=self._pg_env(), check=False)
        self._odoo("-i", "helpdesk_mgmt,toperp_helpdesk_portal", "--without-demo=all", "--stop-after-init")
        output = self._odoo("shell", "--no-http", stdin=SETUP_SCRIPT, timeout=300)
        created = json.loads(output.split("RESULT ", 1)[1].splitlines()[0])

        # Each alias created a ticket of its own app, for the sender.
        self.assertEqual(created["ours"]["model"], "toperp.helpdesk.ticket")
        self.assertEqual(created["oca"]["model"], "helpdesk.ticket")
        for key in ("ours", "oca"):
            self.assertEqual(created[key]["partner"], created[key]["customer"], key)
        ours, oca = created["ours"], created["oca"]

        url = self._start_server()
        # Our customer: our portal under /my/support, old links redirected there.
        session = self._login(url, "coexist_ours")
        page = session.get(f"{url}/my/support", timeout=60)
        self.assertEqual(page.status_code, 200)
        self.assertIn(ours["name"], page.text)
        self.assertIn("o_toperp_ticket_row", page.text)
        page = session.get(f"{url}/my/support/{ours['id']}", timeout=60)
        self.assertEqual(page.status_code, 200)
        self.assertIn("o_toperp_ticket_name", page.text)
        old = session.get(f"{url}/my/tickets/{ours['id']}?foo=1", timeout=60, allow_redirects=False)
        self.assertEqual(old.status_code, 302)
        self.assertEqual(old.headers["Location"].split(url)[-1], f"/my/support/{ours['id']}?foo=1")
        home = session.get(f"{url}/my", timeout=60).text
        self.assertIn('href="/my/support"', home)
        self.assertEqual(self._counters(session, url, ["toperp_ticket_count"]), {"toperp_ticket_count": 1})

        # OCA's customer: OCA's portal under /my/tickets, its list is not ours.
        session = self._login(url, "coexist_oca")
        page = session.get(f"{url}/my/tickets", timeout=60, allow_redirects=False)
        self.assertEqual(page.status_code, 200)
        self.assertIn(oca["name"], page.text)
        self.assertNotIn("o_toperp_ticket_row", page.text)
        page = session.get(f"{url}/my/ticket/{oca['id']}", timeout=60, allow_redirects=False)
        self.assertEqual(page.status_code, 200)
        self.assertIn(oca["name"], page.text)
        home = session.get(f"{url}/my", timeout=60).text
        self.assertIn('href="/my/tickets"', home)
        self.assertEqual(self._counters(session, url, ["ticket_count", "toperp_ticket_count"]),
                         {"ticket_count": 1, "toperp_ticket_count": 0})
        self.assertFalse(LOG_ERROR.findall((self.workdir / "server.log").read_text()))
