"""An "Editors" group holding what the review queue needs, so making an editor is one click."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITOR_PERMISSIONS = [
    "view_clinic",
    "change_clinic",
    "view_clinictreatment",
    "add_clinictreatment",
    "change_clinictreatment",
    "delete_clinictreatment",
    "view_changerequest",
    "review_changerequest",
    "view_claim",
    "review_claim",
    "view_membership",
    "add_membership",
    "delete_membership",
    "view_historicalclinic",
]


def create_editors_group(apps, schema_editor):
    app_config = apps.get_app_config("clinics")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)  # permissions are otherwise made after all migrations
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name="Editors")
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="clinics", codename__in=EDITOR_PERMISSIONS)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("clinics", "0005_staff_members_claims_changes_photos"),
    ]

    operations = [migrations.RunPython(create_editors_group, migrations.RunPython.noop)]
