"""The privacy policy names the cookie that keeps the clinics a visitor chose to compare.

Only a page whose text still holds the starter sentence is changed; an editor's own wording stays.
"""

from django.db import migrations

OLD = """cookies protect its forms against forgery, keep clinic staff signed in, and carry a short notice
to the next page you open (such as "your message was sent")."""
NEW = """cookies protect its forms against forgery, keep clinic staff signed in, carry a short notice
to the next page you open (such as "your message was sent"), and remember up to four clinics you
chose to compare, for 30 days (the "compare" cookie; "Clear all" in the compare tray removes them)."""


def name_the_compare_cookie(apps, schema_editor):
    SitePage = apps.get_model("guides", "SitePage")
    for page in SitePage.objects.filter(slug="privacy", body__contains=OLD):
        page.body = page.body.replace(OLD, NEW)
        page.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("guides", "0005_render_bodies_without_foreign_ids")]
    operations = [migrations.RunPython(name_the_compare_cookie, migrations.RunPython.noop)]
