"""A private, throw-away PostgreSQL server for fault tests.

The machine's shared server (5432) is never stopped: each test module starts its own
cluster (``initdb`` in a temporary directory, a free loopback port, trust
authentication) that it may crash (``pg_ctl stop -m immediate``: no shutdown
checkpoint, every connection cut, as in a crash) and start again.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg2


def _pg_bindir():
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if os.path.exists(os.path.join(candidate, "initdb")):
            return candidate
    found = shutil.which("initdb")
    if not found:
        raise RuntimeError("PostgreSQL's initdb is not installed (Debian: apt-get install postgresql)")
    return os.path.dirname(os.path.realpath(found))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PrivatePostgres:
    """``start()``, ``crash()`` (immediate stop), ``stop()``, ``destroy()``."""

    user = "faults"  # the cluster's superuser role

    def __init__(self):
        self.bindir = _pg_bindir()
        self.root = Path(tempfile.mkdtemp(prefix="toperp-faults-pg-"))
        self.datadir = self.root / "data"
        self.logfile = self.root / "postgres.log"
        self.port = free_port()
        # initdb refuses to run as root: the cluster belongs to the postgres OS user.
        self.os_user = None
        if os.geteuid() == 0:
            self.os_user = "postgres"
            pw = pwd.getpwnam(self.os_user)
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.datadir), "-U", self.user, "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        with open(self.datadir / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write(
                f"port = {self.port}\n"
                "listen_addresses = '127.0.0.1'\n"
                f"unix_socket_directories = '{self.root}'\n"
                # A process crash loses nothing with fsync off (only an OS crash would);
                # commits stay synchronous, so a committed transaction survives the crash.
                "fsync = off\nfull_page_writes = off\nsynchronous_commit = on\n"
                "shared_buffers = 32MB\nmax_connections = 40\n"
            )

    def _run(self, tool, *args, check=True):
        cmd = [os.path.join(self.bindir, tool), *args]
        if self.os_user:
            cmd = ["runuser", "-u", self.os_user, "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True, timeout=120)

    @property
    def env(self):
        """Environment for libpq clients (psql, createdb) talking to this server."""
        return dict(os.environ, PGHOST="127.0.0.1", PGPORT=str(self.port), PGUSER=self.user)

    def start(self):
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-w", "-t", "60", "start")

    def crash(self):
        """Stop like a crash: every backend killed, no checkpoint; recovery at next start."""
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")

    def stop(self):
        self._run("pg_ctl", "-D", str(self.datadir), "-m", "fast", "-w", "stop", check=False)

    def running(self):
        return self._run("pg_ctl", "-D", str(self.datadir), "status", check=False).returncode == 0

    def destroy(self):
        if self.datadir.exists() and self.running():
            self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def connect(self, dbname, autocommit=True):
        cnx = psycopg2.connect(host="127.0.0.1", port=self.port, user=self.user, dbname=dbname,
                               connect_timeout=10)
        cnx.autocommit = autocommit
        return cnx

    def query(self, dbname, sql, params=None):
        cnx = self.connect(dbname)
        try:
            with cnx.cursor() as cr:
                cr.execute(sql, params)
                return cr.fetchall()
        finally:
            cnx.close()

    def wait_for_lock_wait(self, dbname, pid, timeout=60):
        """Wait until backend ``pid`` waits on a lock; returns the relations it has written."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rows = self.query(dbname, "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s", [pid])
            if rows and rows[0][0] == "Lock":
                return {
                    name for (name,) in self.query(
                        dbname,
                        """SELECT c.relname FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                            WHERE l.pid = %s AND l.granted AND l.mode = 'RowExclusiveLock'
                              AND c.relkind = 'r'""",
                        [pid],
                    )
                }
            time.sleep(0.1)
        raise TimeoutError(f"backend {pid} never waited on a lock")
