"""Guide bodies are rendered when saved; render the stored ones again so an id written in a body's
HTML (such as id="main") is dropped from pages already published."""

from django.db import migrations

from guides.rendering import render_markdown


def render_again(apps, schema_editor):
    Guide = apps.get_model("guides", "Guide")
    for guide in Guide.objects.only("pk", "body", "body_html").iterator():
        html = render_markdown(guide.body).html
        if html != guide.body_html:
            Guide.objects.filter(pk=guide.pk).update(body_html=html)


class Migration(migrations.Migration):
    dependencies = [("guides", "0004_editors_write_guides_and_pages")]

    operations = [migrations.RunPython(render_again, migrations.RunPython.noop)]
