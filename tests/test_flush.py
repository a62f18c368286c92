"""The flush that ends every test that commits leaves no row behind, whatever points at what."""

import pytest
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from tests.factories import make_clinic, make_guide
from tests.staff_factories import make_editor, make_member, make_place

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_tests_flush_with_deletes_rather_than_truncating_every_table():
    assert connection.ops.sql_flush(no_style(), ["clinics_clinic"]) == ['DELETE FROM "clinics_clinic";']


def test_a_flush_empties_every_table_with_rows_that_refer_to_each_other(reference_data):
    make_place()
    clinic = make_clinic(treatments={"iv-infusion": (400, 600), "spravato": (500, 650)})
    make_member(clinic)
    make_editor()
    make_guide(treatments=["iv-infusion"], conditions=["ptsd"])

    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)

    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    with connection.cursor() as cursor:
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 - table names from Django itself
            counts[table] = cursor.fetchone()[0]
    assert {table: count for table, count in counts.items() if count} == {}
    assert counts["clinics_clinictreatment"] == counts["auth_user_groups"] == 0
