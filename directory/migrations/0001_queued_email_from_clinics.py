"""The outbox's model moves from the clinics app to the site-wide services; its rows stay."""

import django.contrib.postgres.fields
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [("clinics", "0007_queued_email")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="QueuedEmail",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        (
                            "to",
                            django.contrib.postgres.fields.ArrayField(
                                base_field=models.EmailField(max_length=254), size=None
                            ),
                        ),
                        ("from_email", models.CharField(blank=True, max_length=254)),
                        ("subject", models.CharField(max_length=255)),
                        ("body", models.TextField()),
                        ("html_body", models.TextField(blank=True)),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        (
                            "status",
                            models.CharField(
                                choices=[("pending", "Waiting to be sent"), ("failed", "Gave up after several tries")],
                                default="pending",
                                max_length=8,
                            ),
                        ),
                        ("attempts", models.PositiveSmallIntegerField(default=0)),
                        ("last_attempt_at", models.DateTimeField(blank=True, null=True)),
                    ],
                    options={
                        "ordering": ["created_at"],
                        "indexes": [models.Index(fields=["status", "created_at"], name="queuedemail_status_age")],
                    },
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    "ALTER TABLE clinics_queuedemail RENAME TO directory_queuedemail",
                    reverse_sql="ALTER TABLE directory_queuedemail RENAME TO clinics_queuedemail",
                ),
            ],
        ),
    ]
