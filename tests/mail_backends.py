"""E-mail backends for tests that need the mail server to be down, or slow to answer."""

import smtplib
import threading

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Behaves like an SMTP server that refuses the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")


class HeldBackend(BaseEmailBackend):
    """A mail server that keeps the first message it is given waiting until the test lets it go.

    `entered` is set once the first message is being sent; `release` lets it finish. Every message
    handed over is recorded in `sent`, so a test can see whether one was sent twice.
    """

    entered = threading.Event()
    release = threading.Event()
    sent: list[str] = []
    _lock = threading.Lock()

    @classmethod
    def reset(cls) -> None:
        cls.entered, cls.release, cls.sent = threading.Event(), threading.Event(), []

    def send_messages(self, email_messages):
        with self._lock:
            first = not self.entered.is_set()
            self.entered.set()
        if first:
            self.release.wait(timeout=30)
        with self._lock:
            self.sent.extend(message.subject for message in email_messages)
        return len(email_messages)
