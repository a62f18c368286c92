"""django-allauth hooks for clinic staff accounts."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site

from directory.outbox import email_queue


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails (confirm an address, reset a password) go through the outbox, so a mail
    server outage delays them instead of failing the sign-up with an error page."""

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        full_context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        email_queue(message=self.render_mail(template_prefix, email, full_context))
