"""Two real Odoo servers in prefork mode on one database, for ``tests/test_scale_out.py``.

Not a test module (pytest collects ``test_*.py`` only). Everything listens on the
loopback interface on ports chosen at runtime; every wait has a timeout.
"""

import itertools
import json
import os
import re
import signal
import socket
import socketserver
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

import odoo

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) ", re.MULTILINE)
LOG_ERROR = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?:ERROR|CRITICAL) .*$\n?(.*)", re.MULTILINE)
# odoo.sql_db logs the query that hit a concurrency error at ERROR level even when
# the request is then retried (and succeeds): those lines are retries, not failures.
CONCURRENCY_ERROR = re.compile(
    r"^ERROR:  ?(could not serialize access|deadlock detected|could not obtain lock)"
)
# odoo.service.model.retrying: "SERIALIZATION_FAILURE, 4 tries left, try again in 0.5 sec..."
LOG_RETRY = re.compile(r"(SERIALIZATION_FAILURE|LOCK_NOT_AVAILABLE|DEADLOCK_DETECTED), \d+ tries left")
LOG_GAVE_UP = re.compile(r"maximum number of tries reached")


def log_errors(text):
    """(errors, concurrency errors) logged at ERROR/CRITICAL level."""
    errors, concurrency = [], []
    for match in LOG_ERROR.finditer(text):
        line = match.group(0).split("\n", 1)[0]
        if " odoo.sql_db: bad query" in line and CONCURRENCY_ERROR.match(match.group(1)):
            concurrency.append(line[:200])
        else:
            errors.append(line[:300])
    return errors, concurrency


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SmtpSink:
    """A minimal SMTP server that accepts and counts every message (no real e-mail
    leaves the machine, and Odoo logs no delivery error)."""

    def __init__(self):
        self.port = free_port()
        self.messages = []
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            timeout = 30

            def handle(self):
                self.wfile.write(b"220 sink ESMTP\r\n")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    verb = line[:4].upper()
                    if verb == b"EHLO":
                        self.wfile.write(b"250-sink\r\n250 8BITMIME\r\n")
                    elif verb == b"DATA":
                        self.wfile.write(b"354 go ahead\r\n")
                        data = []
                        for chunk in iter(self.rfile.readline, b""):
                            if chunk in (b".\r\n", b".\n"):
                                break
                            data.append(chunk)
                        sink.messages.append(b"".join(data))
                        self.wfile.write(b"250 queued\r\n")
                    elif verb == b"QUIT":
                        self.wfile.write(b"221 bye\r\n")
                        return
                    else:
                        self.wfile.write(b"250 ok\r\n")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", self.port), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.2}, daemon=True)

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


class OdooServer:
    """``odoo-bin --workers 2 --max-cron-threads 1`` of the running configuration."""

    def __init__(self, name, conf, db, workdir, smtp_port, workers=2):
        self.name, self.conf, self.db = name, conf, db
        self.port, self.gevent_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.logfile = Path(workdir) / f"{name}.log"
        odoo_bin = Path(odoo.__file__).resolve().parent.parent / "odoo-bin"
        self.cmd = [
            sys.executable, str(odoo_bin), "-c", conf, "-d", db, f"--db-filter=^{re.escape(db)}$",
            f"--workers={workers}", "--max-cron-threads=1",
            "--http-interface=127.0.0.1", f"--http-port={self.port}", f"--gevent-port={self.gevent_port}",
            "--smtp=127.0.0.1", f"--smtp-port={smtp_port}",
            "--limit-time-real=120", "--limit-time-cpu=90", "--limit-request=100000",
            "--db_maxconn=8", "--log-level=info", f"--logfile={self.logfile}",
        ]
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(
            self.cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: the workers are stopped with it
        )
        return self

    def wait_ready(self, timeout=120):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited ({self.proc.returncode}):\n{self.log_tail()}")
            try:
                # The HTTP workers, and the bus (gevent process): a plain GET on
                # /websocket is refused with 400 once it listens.
                if (
                    requests.get(f"{self.url}/web/health", timeout=5).status_code == 200
                    and requests.get(f"http://127.0.0.1:{self.gevent_port}/websocket", timeout=5).status_code == 400
                ):
                    return
            except requests.RequestException:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not answer within {timeout}s:\n{self.log_tail()}")

    def stop(self, timeout=30):
        if not self.proc or self.proc.poll() is not None:
            return
        # SIGTERM asks the prefork master for a graceful stop; it stops its workers.
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=10)
        except ProcessLookupError:
            pass
        # Workers left behind by a master that died first.
        try:
            os.killpg(self.proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

    def log(self):
        return self.logfile.read_text(encoding="utf-8", errors="replace") if self.logfile.exists() else ""

    def log_tail(self, lines=40):
        return "\n".join(self.log().splitlines()[-lines:])


class RpcError(Exception):
    def __init__(self, error):
        data = error.get("data") or {}
        super().__init__(f"{data.get('name') or error.get('message')}: {data.get('message') or error}")
        self.name = data.get("name", "")
        self.message = data.get("message", "")


_ids = itertools.count(1)


def jsonrpc(session, url, params, timeout=60):
    payload = {"jsonrpc": "2.0", "method": "call", "id": next(_ids), "params": params}
    response = session.post(
        url, data=json.dumps(payload), headers={"Content-Type": "application/json"}, timeout=timeout
    )
    response.raise_for_status()
    answer = response.json()
    if "error" in answer:
        raise RpcError(answer["error"])
    return answer["result"]


def execute_kw(server, db, uid, password, model, method, args, kwargs=None, timeout=60):
    """External API call (the one XML-RPC clients and odoo-mailgate.py use), over JSON-RPC."""
    params = {
        "service": "object",
        "method": "execute_kw",
        "args": [db, uid, password, model, method, args, kwargs or {}],
    }
    with requests.Session() as session:
        return jsonrpc(session, f"{server.url}/jsonrpc", params, timeout=timeout)


def portal_session(server, db, login, password):
    """A browser-like session of a portal user (cookie kept by ``requests``)."""
    session = requests.Session()
    jsonrpc(session, f"{server.url}/web/session/authenticate", {"db": db, "login": login, "password": password})
    return session
