"""django-allauth hooks for clinic staff accounts."""

from types import SimpleNamespace
from urllib.parse import urlsplit

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.conf import settings
from django.http import HttpRequest

from directory.context_processors import SITE_NAME
from directory.outbox import email_queue
from directory.ratelimit import client_ip

# The links allauth puts in its e-mails, built from the host the request came to.
LINKS_IN_EMAILS = ("activate_url", "password_reset_url", "signup_url")


def _on_site_url(url: str) -> str:
    """The same path on SITE_URL: a request's host may be an internal one (127.0.0.1:8011)."""
    parts = urlsplit(url)
    return settings.SITE_URL + parts._replace(scheme="", netloc="").geturl()


class AccountAdapter(DefaultAccountAdapter):
    """Account e-mails (confirm an address, reset a password) go through the outbox, so a mail
    server outage delays them instead of failing the sign-up with an error page. They are signed
    with the site's name and link to SITE_URL, never to the host a request happened to use. Sign-in
    limits count by the site's one visitor address."""

    def get_client_ip(self, request: HttpRequest) -> str:
        """Sign-in and sign-up limits count per visitor behind the site's proxies, like every other limit."""
        return client_ip(request)

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        site = SimpleNamespace(name=SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)
        full_context = {
            "request": allauth_context.request,
            "email": email,
            **context,
            "current_site": site,
            "SITE_NAME": SITE_NAME,
            "SITE_URL": settings.SITE_URL,
        }
        for name in LINKS_IN_EMAILS:
            if full_context.get(name):
                full_context[name] = _on_site_url(full_context[name])
        email_queue(message=self.render_mail(template_prefix, email, full_context))
