"""Bring existing databases' treatment and condition texts in line with 0002_reference_data, which now says:

- Spravato: approved on its own (monotherapy, since January 2025) or with an oral antidepressant for
  treatment-resistant depression, and for depressive symptoms (not suicide prevention) in major
  depression with acute suicidal ideation or behavior; REMS-certified settings; no driving until the
  next day (Spravato prescribing information, 2025).
- IM ketamine has no usual course (each clinic sets it); IV, IM and oral ketamine are off-label and
  usually self-pay; oral ketamine is priced per prescription or month.
- Pain protocols vary widely; the depression course is not a pain course.

Only the corrected fields of existing rows change; nothing is created.
"""

from importlib import import_module

from django.db import migrations

reference = import_module("clinics.migrations.0002_reference_data")

TREATMENT_FIELDS = ["how_given", "summary", "course_sessions", "course_schedule", "notes"]


def correct(apps, schema_editor):
    TreatmentType = apps.get_model("clinics", "TreatmentType")
    Condition = apps.get_model("clinics", "Condition")
    for fields in reference.TREATMENT_TYPES:
        TreatmentType.objects.filter(slug=fields["slug"]).update(**{name: fields[name] for name in TREATMENT_FIELDS})
    for _name, slug, _group, summary in reference.CONDITIONS:
        Condition.objects.filter(slug=slug).update(summary=summary)


class Migration(migrations.Migration):
    dependencies = [("clinics", "0012_remove_clinic_insurance_carriers")]
    operations = [migrations.RunPython(correct, migrations.RunPython.noop)]
