"""Editors may import clinics from a spreadsheet and work through the possible duplicates it finds."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = ["add_importbatch", "view_importbatch", "view_possibleduplicate", "change_possibleduplicate"]


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
    dependencies = [("clinics", "0018_listing_source_and_imports")]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
