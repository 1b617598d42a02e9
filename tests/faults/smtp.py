"""A tiny SMTP server on a loopback port that accepts, or refuses, mail on demand.

Modes: ``accept`` (stores every message), ``down`` (answers ``421`` to every
connection: the server refuses service), ``tempfail`` (``451`` to every recipient:
"try again later"). Recipients whose address starts with ``nobody@`` are always
refused with ``550`` (no such mailbox: a permanent failure).
"""

import socketserver
import threading
from email import message_from_bytes, policy


class _Handler(socketserver.StreamRequestHandler):
    timeout = 15

    def _reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        server = self.server.responder
        with server.lock:
            mode = server.mode
            server.connections += 1
        if mode == "down":
            with server.lock:
                server.refused += 1
            self._reply("421 4.3.2 Service not available, try again later")
            return
        self._reply("220 faults.test ESMTP")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            command = line.decode("utf-8", "replace").strip()
            verb = command[:4].upper()
            if verb == "EHLO":
                self._reply("250-faults.test\r\n250-8BITMIME\r\n250-SMTPUTF8\r\n250 SIZE 10485760")
            elif verb == "HELO":
                self._reply("250 faults.test")
            elif verb == "MAIL":
                mail_from, rcpts = command[10:].split()[0].strip("<>") if len(command) > 10 else "", []
                self._reply("250 2.1.0 OK")
            elif verb == "RCPT":
                address = command[8:].split()[0].strip("<>")
                with server.lock:
                    mode = server.mode
                if address.lower().startswith("nobody@"):
                    with server.lock:
                        server.refused += 1
                    self._reply("550 5.1.1 No such mailbox")
                elif mode == "tempfail":
                    with server.lock:
                        server.refused += 1
                    self._reply("451 4.3.0 Mailbox temporarily unavailable, try again later")
                else:
                    rcpts.append(address)
                    self._reply("250 2.1.5 OK")
            elif verb == "DATA":
                if not rcpts:
                    self._reply("554 5.5.1 No valid recipients")
                    continue
                self._reply("354 End data with <CR><LF>.<CR><LF>")
                data = []
                while True:
                    chunk = self.rfile.readline(1 << 20)
                    if not chunk or chunk in (b".\r\n", b".\n"):
                        break
                    data.append(chunk[1:] if chunk.startswith(b"..") else chunk)
                with server.lock:
                    server.received.append(
                        (mail_from, list(rcpts), message_from_bytes(b"".join(data), policy=policy.default))
                    )
                self._reply("250 2.0.0 Queued")
                mail_from, rcpts = None, []
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self._reply("250 2.0.0 OK")
            elif verb == "NOOP":
                self._reply("250 2.0.0 OK")
            elif verb == "QUIT":
                self._reply("221 2.0.0 Bye")
                return
            else:
                self._reply("502 5.5.2 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpResponder:
    def __init__(self):
        self.lock = threading.Lock()
        self.mode = "accept"
        self.received = []  # (mail_from, [rcpt], email.message.EmailMessage)
        self.refused = 0
        self.connections = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.responder = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.2},
                                        daemon=True)

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def set_mode(self, mode):
        assert mode in ("accept", "down", "tempfail")
        with self.lock:
            self.mode = mode

    def messages_to(self, address):
        with self.lock:
            return [msg for _from, rcpts, msg in self.received if address in rcpts]
