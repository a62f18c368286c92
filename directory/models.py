"""Models of the site-wide services: the mail outbox."""

from django.contrib.postgres.fields import ArrayField
from django.db import models


class QueuedEmail(models.Model):
    """An e-mail to a staff member or account holder that has not gone out yet.

    Notifications and account e-mails are stored here first and deleted once sent, so a mail
    server outage delays them instead of losing them; `send_queued_mail` retries. Patient
    inquiries never come here: their health information stays in Inquiry, which is purged.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting to be sent"
        FAILED = "failed", "Gave up after several tries"

    to = ArrayField(models.EmailField())
    from_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_attempt_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["status", "created_at"], name="queuedemail_status_age")]

    def __str__(self) -> str:
        return self.subject
