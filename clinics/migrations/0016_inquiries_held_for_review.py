"""Inquiries past a clinic's hourly limit are held for an editor, who may see, release or delete them."""

from django.contrib.auth.management import create_permissions
from django.db import migrations, models

EDITOR_PERMISSIONS = ["view_inquiry", "review_inquiry", "delete_inquiry"]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("clinics")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)  # permissions are otherwise made after all migrations
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="clinics", codename__in=EDITOR_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [("clinics", "0015_editors_review_reports")]

    operations = [
        migrations.AlterModelOptions(
            name="inquiry",
            options={
                "ordering": ["-created_at"],
                "permissions": [("review_inquiry", "Can release inquiries held for review")],
                "verbose_name_plural": "inquiries",
            },
        ),
        migrations.AlterField(
            model_name="inquiry",
            name="delivery",
            field=models.CharField(
                choices=[
                    ("pending", "Waiting to be sent"),
                    ("sent", "Sent by e-mail"),
                    ("failed", "Gave up after several tries"),
                    ("no_address", "Clinic has no e-mail address; dashboard only"),
                    ("held", "Held for review"),
                ],
                default="pending",
                max_length=12,
            ),
        ),
        migrations.RunPython(grant, migrations.RunPython.noop),
    ]
