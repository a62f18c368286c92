"""The outbox's model now lives in directory (directory/migrations/0001), which took its table."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clinics", "0016_inquiries_held_for_review"),
        ("directory", "0001_queued_email_from_clinics"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[migrations.DeleteModel(name="QueuedEmail")]),
    ]
