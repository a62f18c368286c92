"""E-mail backends for tests that need the mail server to be down."""

import smtplib

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Behaves like an SMTP server that refuses the connection."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPConnectError(421, "Service not available")
