"""System checks of our own, run by `manage.py check` (the deploy ones with `--deploy`)."""

from django.core.checks import CheckMessage, Error, Tags, register

from directory.outbox import mail_can_be_sent


@register(Tags.security, deploy=True)
def mail_server_configured(app_configs, **kwargs) -> list[CheckMessage]:
    """Production needs a real mail server: the console backend would print patients' messages to the log."""
    if mail_can_be_sent():
        return []
    return [
        Error(
            "No mail server is configured: e-mail would be printed to the log or dropped, so it waits in the outbox.",
            hint="Set EMAIL_HOST (and EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD), or EMAIL_BACKEND to a "
            "backend that delivers mail.",
            id="directory.E001",
        )
    ]
