"""Editors write and publish guides and keep the site's pages current, without being superusers."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_guide",
    "add_guide",
    "change_guide",
    "delete_guide",
    "view_sitepage",
    "change_sitepage",
]


def grant(apps, schema_editor):
    app_config = apps.get_app_config("guides")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)  # permissions are otherwise made after all migrations
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    editors, _ = Group.objects.get_or_create(name="Editors")
    editors.permissions.add(
        *Permission.objects.filter(content_type__app_label="guides", codename__in=EDITOR_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("guides", "0003_starter_site_pages"),
        ("clinics", "0006_staff_editors_group"),
    ]

    operations = [migrations.RunPython(grant, migrations.RunPython.noop)]
