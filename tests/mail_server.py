"""A Postfix instance of our own for ``tests/test_postfix_e2e.py`` (not a test module).

Debian's ``postfix`` binaries (``./setup/test.sh`` installs them), but nothing of the
system's Postfix: the configuration directory, queue, data directory, log file and
mailboxes all live in one temporary directory, ``smtpd`` listens on 127.0.0.1 on a
port chosen at runtime, and ``stop()`` ends the instance. Delivery, as on the
production server that README.md describes:

* the helpdesk's address is delivered by a ``pipe`` transport to a command run as
  an unprivileged user (``setup/mailgate.sh``);
* the other addresses of the listed domains go to Maildir mailboxes (files);
* nothing else is accepted: no mail leaves the machine.

``postfix start`` needs root (its master process drops privileges to the ``postfix``
user the Debian package created).
"""

import email
import email.policy
import os
import pwd
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

POSTFIX = "/usr/sbin/postfix"
PIPE_SERVICE = "toperp-helpdesk"
# Postfix's own services, as in Debian's master.cf (those this instance uses).
MASTER_SERVICES = """\
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
PIPE_RESULT = re.compile(rf"relay={PIPE_SERVICE},.* status=(\w+) (.*)$", re.MULTILINE)


class Postfix:
    """One instance: ``pipe_address`` is piped into ``pipe_argv`` (run as
    ``pipe_user``), each address of ``mailboxes`` has a Maildir, and the rest of each
    domain of ``catchall_domains`` lands in the Maildir ``<domain>/other/``."""

    def __init__(self, root, port, pipe_address, pipe_argv, pipe_user, mailboxes, catchall_domains=()):
        self.root = Path(root)
        self.port = port
        self.pipe_address = pipe_address
        self.pipe_user = pwd.getpwnam(pipe_user)
        self.conf_dir = self.root / "postfix"
        self.queue_dir = self.root / "queue"
        self.data_dir = self.root / "data"
        self.mailbox_dir = self.root / "mailboxes"
        self.maillog = self.root / "maillog"
        domains = {address.split("@")[1] for address in [pipe_address, *mailboxes]} | set(catchall_domains)
        for path in (self.conf_dir, self.queue_dir, self.data_dir, self.mailbox_dir):
            path.mkdir(parents=True)
        # The queue manager's data and the mailboxes belong to their users.
        postfix_user = pwd.getpwnam("postfix")
        os.chown(self.data_dir, postfix_user.pw_uid, postfix_user.pw_gid)
        self.data_dir.chmod(0o700)
        os.chown(self.mailbox_dir, self.pipe_user.pw_uid, self.pipe_user.pw_gid)
        for arg in pipe_argv:
            if re.search(r"\s", arg):
                raise ValueError(f"master.cf arguments take no spaces: {arg!r}")

        maps = {
            # Recipient validation: every address of a mailbox, the piped one too.
            "vmailbox": [f"{address} {self._maildir_of(address)}" for address in [pipe_address, *mailboxes]]
            + [f"@{domain} {domain}/other/" for domain in sorted(catchall_domains)],
            "transport": [f"{pipe_address} {PIPE_SERVICE}:"],
        }
        for name, lines in maps.items():
            (self.conf_dir / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        main_cf = {
            "compatibility_level": "3.6",
            "queue_directory": self.queue_dir,
            "data_directory": self.data_dir,
            "mail_owner": "postfix",
            "setgid_group": "postdrop",
            "myhostname": "mail.test",
            "mydestination": "",
            "inet_interfaces": "127.0.0.1",
            "inet_protocols": "ipv4",
            "mynetworks": "127.0.0.0/8",
            "maillog_file": self.maillog,
            "maillog_file_prefixes": self.root,
            "alias_maps": "",
            "alias_database": "",
            "local_recipient_maps": "",
            "virtual_mailbox_domains": ", ".join(sorted(domains)),
            "virtual_mailbox_base": self.mailbox_dir,
            "virtual_mailbox_maps": f"texthash:{self.conf_dir / 'vmailbox'}",
            "virtual_uid_maps": f"static:{self.pipe_user.pw_uid}",
            "virtual_gid_maps": f"static:{self.pipe_user.pw_gid}",
            "transport_maps": f"texthash:{self.conf_dir / 'transport'}",
            # Nothing leaves: other domains are refused when the message is submitted.
            "default_transport": "error:5.7.1 no mail leaves the test",
            "relay_transport": "error:5.7.1 no mail leaves the test",
            # A deferred message (mailgate.sh exited 75) is tried again within seconds.
            "queue_run_delay": "2s",
            "minimal_backoff_time": "2s",
            "maximal_backoff_time": "4s",
            "smtpd_peername_lookup": "no",
            "smtp_dns_support_level": "disabled",
            # One message per delivery: mailgate.sh reads one message, Delivered-To names
            # its one recipient.
            f"{PIPE_SERVICE}_destination_recipient_limit": "1",
        }
        (self.conf_dir / "main.cf").write_text(
            "".join(f"{key} = {value}\n" for key, value in main_cf.items()), encoding="utf-8"
        )
        (self.conf_dir / "master.cf").write_text(
            f"127.0.0.1:{port} inet n - n - - smtpd\n"
            + MASTER_SERVICES
            + f"{PIPE_SERVICE} unix - n n - 4 pipe\n"
            + f"  flags=DRX user={pipe_user} argv={' '.join(pipe_argv)}\n",
            encoding="utf-8",
        )

    @staticmethod
    def _maildir_of(address):
        local, domain = address.lower().split("@")
        return f"{domain}/{local}/"

    def _postfix(self, command):
        return subprocess.run(
            [POSTFIX, "-c", str(self.conf_dir), command], capture_output=True, text=True, timeout=120
        )

    def start(self, timeout=60):
        result = self._postfix("start")
        if result.returncode:
            raise RuntimeError(f"postfix start failed:\n{result.stdout}{result.stderr}\n{self.log_tail()}")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                    if sock.recv(100).startswith(b"220"):
                        return self
            except OSError:
                time.sleep(0.2)
        raise RuntimeError(f"postfix does not answer on 127.0.0.1:{self.port}:\n{self.log_tail()}")

    def stop(self):
        if (self.queue_dir / "pid" / "master.pid").exists():
            if self._postfix("stop").returncode:
                self._postfix("abort")

    # ------------------------------------------------------------------
    # What happened
    # ------------------------------------------------------------------

    def log(self):
        return self.maillog.read_text(encoding="utf-8", errors="replace") if self.maillog.exists() else ""

    def log_tail(self, lines=30):
        return "\n".join(self.log().splitlines()[-lines:])

    def pipe_results(self):
        """(status, detail) of each delivery through the pipe, in order: "sent" when
        the command exited 0, "deferred" for 75 (EX_TEMPFAIL), "bounced" otherwise."""
        return PIPE_RESULT.findall(self.log())

    def messages(self, address):
        """The messages delivered into the mailbox of ``address``, oldest first."""
        maildir = self.mailbox_dir / self._maildir_of(address)
        files = [path for sub in ("new", "cur") if (maildir / sub).is_dir() for path in (maildir / sub).iterdir()]
        # Maildir file names start with the delivery time (seconds, then a counter).
        files.sort(key=lambda path: (path.stat().st_mtime, path.name))
        return [email.message_from_bytes(path.read_bytes(), policy=email.policy.default) for path in files]


def text_of(message):
    """The readable text of a message (its plain-text part, or its HTML without tags)."""
    part = message.get_body(preferencelist=("plain", "html"))
    content = part.get_content() if part else ""
    if part and part.get_content_type() == "text/html":
        content = re.sub(r"<[^>]+>", " ", content)
    return re.sub(r"\s+", " ", content).strip()


def reachable_by_others(path):
    """Whether a user of no group of ours can reach ``path`` (every directory on the
    way has the "others" execute bit)."""
    path = Path(path)
    return all(part.stat().st_mode & 0o001 for part in [path, *path.parents] if part.is_dir())


def copy_tree_as_links(source, target, ignore=None):
    """``target``: a copy of ``source`` made of hard links (instant, no disk space),
    plain copies where the two are on different file systems."""

    shutil.copytree(source, target, symlinks=True, copy_function=_link, ignore=ignore)


def _link(source, target):
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


def python_for_others(target):
    """A copy, in ``target``, of the running virtualenv that another user can run
    (hard links: the files themselves are world-readable, the directories they are in
    may not be, as under root's home). When the interpreter the virtualenv is based
    on is out of reach too (pyenv's, under root's home), its executable, library and
    standard library are copied beside it. Returns (virtualenv, environment
    variables its Python needs)."""
    target = Path(target)
    venv = target / "venv"
    copy_tree_as_links(sys.prefix, venv)
    base, executable = Path(sys.base_prefix), Path(sys._base_executable).resolve()
    if reachable_by_others(executable) and reachable_by_others(base):
        return venv, []
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    python = target / "python"
    (python / "bin").mkdir(parents=True)
    _link(executable, python / "bin" / version)
    copy_tree_as_links(base / "lib" / version, python / "lib" / version,
                       ignore=shutil.ignore_patterns("site-packages", "test", "idlelib", "tkinter"))
    for library in (base / "lib").glob("libpython*.so*"):
        if library.is_symlink():
            (python / "lib" / library.name).symlink_to(os.readlink(library))
        else:
            _link(library, python / "lib" / library.name)
    # The virtualenv's interpreter is the copy (a new pyvenv.cfg: the copied one is a
    # hard link to the original's).
    cfg = venv / "pyvenv.cfg"
    text = re.sub(r"(?m)^home = .*$", f"home = {python / 'bin'}", cfg.read_text(encoding="utf-8"))
    cfg.unlink()
    cfg.write_text(text, encoding="utf-8")
    for name in ("python3", version):
        link = venv / "bin" / name
        if link.is_symlink():
            link.unlink()
            link.symlink_to(python / "bin" / version)
    return venv, [f"LD_LIBRARY_PATH={python / 'lib'}"]
