"""A search's SQL is compiled once per shape and run again for other places and words (clinics/compiled.py):
what it finds must be what the SQL built afresh for that search finds."""

import pytest
from django.http import QueryDict

from clinics import compiled
from clinics.filters import ClinicFilter
from clinics.models import Clinic, Place
from tests.factories import AUSTIN, bill_insurance, make_clinic

pytestmark = pytest.mark.django_db

ST_LOUIS = (38.6346, -90.1913)


@pytest.fixture
def places():
    Place.objects.bulk_create(
        [
            Place(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1]),
            Place(zip_code="63101", city="Saint Louis", state="MO", latitude=ST_LOUIS[0], longitude=ST_LOUIS[1]),
            Place(zip_code="59002", city="Acton", state="MT", latitude=45.9453, longitude=-108.6817),
        ]
    )


def found(query: str) -> tuple:
    """What the search finds: its facet counts, a page of its results, and the clinics nearest its place
    (with a telehealth option in its state)."""
    search = ClinicFilter(QueryDict(query), queryset=Clinic.objects.published())
    nearest = [search._nearest(3), search._nearest_telehealth(3, besides=[])] if search.location else []
    return search._count_facets(), search.result_rows(0, 20), nearest


def found_afresh(query: str) -> tuple:
    compiled._compiled.clear()
    return found(query)


def test_sql_compiled_near_one_place_finds_what_is_near_another(places):
    for city, (latitude, longitude), miles in [("Austin", AUSTIN, 3), ("Saint Louis", ST_LOUIS, 5)]:
        for n in range(miles):
            make_clinic(
                name=f"{city} {n}",
                latitude=latitude + n / 69,
                longitude=longitude,
                treatments={"iv-infusion": (400 + 10 * n, 600)},
                offers_telehealth=n % 2 == 0,
                state="TX" if city == "Austin" else "MO",
            )
    query = "radius=25&treatment=iv-infusion&sort=price&where="
    compiled._compiled.clear()
    near_austin = found(query + "78701")
    compiled_near_austin = set(compiled._compiled)
    near_st_louis = found(query + "63101")
    # The same SQL ran again, but for the clinics with telehealth in the place's state.
    assert {key[0] for key in set(compiled._compiled) - compiled_near_austin} == {"telehealth"}
    far_from_both = found(query + "59002")
    assert near_austin[0]["results"]["all"] == 3 and near_st_louis[0]["results"]["all"] == 5
    assert near_st_louis == found_afresh(query + "63101")
    assert far_from_both == found_afresh(query + "59002")  # nothing within 25 miles: the nearest are far


def test_sql_compiled_for_some_words_finds_what_other_words_find():
    make_clinic(name="Harbor Light Clinic")
    make_clinic(name="Willow Creek Clinic")
    make_clinic(name="Willow Bend Clinic")
    compiled._compiled.clear()
    assert found("q=harbor&sort=name")[1] != found("q=willow&sort=name")[1]
    assert found("q=willow&sort=name") == found_afresh("q=willow&sort=name")


def test_sql_compiled_for_one_state_finds_what_is_in_another():
    make_clinic(name="Willow Austin Clinic", state="TX")
    make_clinic(name="Willow Denver Clinic", state="CO")
    make_clinic(name="Willow Boulder Clinic", state="CO")
    compiled._compiled.clear()
    in_texas = found("q=willow&state=TX")
    shapes = len(compiled._compiled)
    in_colorado = found("q=willow&state=CO")
    assert len(compiled._compiled) == shapes  # the same SQL ran again
    assert (in_texas[0]["results"]["all"], in_colorado[0]["results"]["all"]) == (1, 2)
    assert in_colorado == found_afresh("q=willow&state=CO")


def test_searches_that_differ_in_a_filter_do_not_share_sql(places):
    for carrier in ("aetna", "cigna", "cigna"):
        clinic = make_clinic(name=f"Bills {carrier}", treatments={"spravato": (500, 900)})
        bill_insurance(clinic, "spravato", carrier)
    compiled._compiled.clear()
    aetna, cigna = found("where=78701&insurance=aetna"), found("where=78701&insurance=cigna")
    assert (aetna[0]["results"]["all"], cigna[0]["results"]["all"]) == (1, 2)
    assert cigna == found_afresh("where=78701&insurance=cigna")


def test_values_written_into_the_sql_keep_their_percent_signs():
    make_clinic(name="Percent Clinic", city="50% Off", state="TX")
    make_clinic(name="Other Clinic", city="50%s Off", state="TX")
    for city in ("50% Off", "50%s Off"):
        counts, rows, _ = found_afresh(f"city={city.replace('%', '%25')}&state=TX")
        assert counts["results"]["all"] == len(rows) == 1, city


def test_words_are_written_in_as_psycopg_quotes_them():
    make_clinic(name="O'Brien Clinic")
    make_clinic(name="Backslash Clinic", description="a \\ b")
    compiled._compiled.clear()
    found("q=harbor")
    for words in ("o'brien", "\\", "'; DROP TABLE clinics_clinic; --", "50%s"):
        assert found(f"q={words}") == found_afresh(f"q={words}"), words
    assert found("q=o'brien")[0]["results"]["all"] == 1
