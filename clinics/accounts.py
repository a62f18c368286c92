"""django-allauth hooks for clinic staff accounts."""

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.http import HttpRequest

from clinics.outbox import email_queue
from directory.ratelimit import client_ip


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails (confirm an address, reset a password) go through the outbox, so a mail
    server outage delays them instead of failing the sign-up with an error page. Sign-in limits
    count by the site's one visitor address."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """Sign-in and sign-up limits count per visitor behind the site's proxies, like every other limit."""
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        request = allauth_context.request
        full_context = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        email_queue(message=self.render_mail(template_prefix, email, full_context))
