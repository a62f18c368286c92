"""Editors work through the reports of wrong listings (the admin's "work waiting" counts them)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = ["view_listingreport", "change_listingreport"]


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
    dependencies = [("clinics", "0014_constraint_messages_for_people")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
