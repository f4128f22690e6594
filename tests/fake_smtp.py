"""A minimal SMTP server for tests, on 127.0.0.1, in a thread (no STARTTLS, no AUTH).

It speaks enough SMTP for :mod:`smtplib` (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT),
keeps the messages it accepted, and can refuse the next N messages with a temporary
``451`` error to exercise retries::

    with FakeSMTPServer() as server:
        server.fail_next(1)
        ...  # EMAIL_URL=f"smtp://127.0.0.1:{server.port}"
        server.wait_for(1)
        server.messages[0]["Subject"]
"""

from __future__ import annotations

import socketserver
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage


class _Handler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server: FakeSMTPServer = self.server.owner  # type: ignore[attr-defined]
        self.reply("220 fake-smtp ESMTP ready")
        envelope_to: list[str] = []
        while True:
            raw = self.rfile.readline()
            if not raw:
                return
            command = raw.decode("ascii", "replace").strip()
            verb = command.split(" ", 1)[0].upper()
            if verb == "EHLO":
                self.reply("250-fake-smtp")
                self.reply("250-8BITMIME")
                self.reply("250 SMTPUTF8")
            elif verb == "HELO":
                self.reply("250 fake-smtp")
            elif verb == "MAIL":
                envelope_to = []
                self.reply("250 OK")
            elif verb == "RCPT":
                envelope_to.append(command.split(":", 1)[1].strip().strip("<>"))
                self.reply("250 OK")
            elif verb == "DATA":
                self.reply("354 End data with <CR><LF>.<CR><LF>")
                lines = []
                while True:
                    line = self.rfile.readline()
                    if not line or line in (b".\r\n", b".\n"):
                        break
                    lines.append(line[1:] if line.startswith(b"..") else line)
                if server.take_failure():
                    self.reply("451 4.3.0 Temporary failure, try again later")
                else:
                    server.accept(b"".join(lines), envelope_to)
                    self.reply("250 OK queued")
            elif verb in {"RSET", "NOOP"}:
                self.reply("250 OK")
            elif verb == "QUIT":
                self.reply("221 Bye")
                return
            else:
                self.reply("502 Command not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class FakeSMTPServer:
    def __init__(self, host: str = "127.0.0.1"):
        self._server = _Server((host, 0), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self.host, self.port = self._server.server_address[:2]
        self._lock = threading.Lock()
        self._failures = 0
        self.messages: list[EmailMessage] = []
        self.recipients: list[list[str]] = []
        self.refused = 0
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"smtp://{self.host}:{self.port}"

    def fail_next(self, count: int) -> None:
        with self._lock:
            self._failures = count

    def take_failure(self) -> bool:
        with self._lock:
            if self._failures > 0:
                self._failures -= 1
                self.refused += 1
                return True
            return False

    def accept(self, data: bytes, recipients: list[str]) -> None:
        with self._lock:
            self.messages.append(message_from_bytes(data, policy=policy.default))
            self.recipients.append(recipients)

    def wait_for(self, count: int, timeout: float = 60) -> list[EmailMessage]:
        """Wait until ``count`` messages were accepted (raises AssertionError after ``timeout``)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.messages) >= count:
                    return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"{len(self.messages)} message(s) reçu(s) au lieu de {count}")

    def start(self) -> FakeSMTPServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> FakeSMTPServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
