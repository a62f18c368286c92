"""The Spravato self-check: the prescriber's questions, answered privately, never a verdict."""

import logging
from urllib.parse import parse_qs, urlsplit

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

from tests.factories import make_guide

pytestmark = pytest.mark.django_db

URL = reverse("guides:spravato_self_check")

WORTH_ASKING = "Worth asking a prescriber about"
NEEDS_A_DOCTOR = "These points need a doctor's view first"

NOTHING_STANDS_OUT = {
    "adult": "yes",
    "diagnosed": "yes",
    "antidepressants_tried": "2",
    "pregnancy": "no",
    "ride_home": "yes",
}


def answered(client, **changes) -> str:
    response = client.post(URL, {**NOTHING_STANDS_OUT, **changes})
    assert response.status_code == 200
    return response.content.decode()


def test_the_page_asks_the_questions_and_says_answers_are_not_stored(client):
    page = client.get(URL).content.decode()

    assert "<h1>Spravato self-check</h1>" in page
    assert 'method="post"' in page
    assert "csrfmiddlewaretoken" in page
    assert "your answers are not stored or logged" in page
    for question in ["18 or older", "major depression", "antidepressants", "arteriovenous malformation",
                     "pregnant", "drive you home"]:  # fmt: skip
        assert question in page
    assert "<script" not in page.split("</head>")[1]
    assert WORTH_ASKING not in page and NEEDS_A_DOCTOR not in page


def test_answers_where_nothing_stands_out_are_worth_asking_a_prescriber_about(client):
    page = answered(client)

    assert WORTH_ASKING in page
    assert NEEDS_A_DOCTOR not in page
    assert "eligible" not in page.lower()


@pytest.mark.parametrize(
    ("changes", "point"),
    [
        ({"adult": "no"}, "approved for adults only"),
        ({"diagnosed": "no"}, "A doctor needs to make or confirm that diagnosis"),
        ({"diagnosed": "not-sure"}, "A doctor needs to make or confirm that diagnosis"),
        ({"antidepressants_tried": "1"}, "at least two antidepressants that did not help enough"),
        ({"antidepressants_tried": "0"}, "at least two antidepressants that did not help enough"),
        ({"antidepressants_tried": "not-sure"}, "which antidepressants you took"),
        ({"contraindications": ["aneurysm"]}, "must not be used with aneurysmal blood-vessel disease"),
        ({"contraindications": ["avm"]}, "must not be used with"),
        ({"contraindications": ["brain-bleed"]}, "must not be used with"),
        ({"contraindications": ["allergy", "not-sure"]}, "must not be used with"),
        ({"contraindications": ["not-sure"]}, "the label rules Spravato out with any of them"),
        ({"pregnancy": "yes"}, "may harm an unborn baby"),
        ({"pregnancy": "not-sure"}, "may harm an unborn baby"),
    ],
)
def test_each_answer_that_needs_a_doctor_is_named(client, changes, point):
    page = answered(client, **changes)

    assert NEEDS_A_DOCTOR in page
    assert point in page
    assert WORTH_ASKING not in page
    assert "eligible" not in page.lower()


def test_no_ride_home_is_a_point_to_arrange_not_a_verdict(client):
    page = answered(client, ride_home="no")

    assert WORTH_ASKING in page
    assert "Before a first session" in page
    assert "until the next day, after a restful sleep" in page


def test_the_result_links_to_spravato_centers_near_the_place_that_bill_the_carrier(client):
    page = answered(client, where=" Austin, TX ", insurance="aetna")

    href = page.split('<a class="button" href="')[1].split('"')[0].replace("&amp;", "&")
    url = urlsplit(href)
    assert url.path == reverse("clinics:list")
    assert parse_qs(url.query) == {"treatment": ["spravato"], "insurance": ["aetna"], "where": ["Austin, TX"]}
    assert "Find Spravato centers near Austin, TX that bill Aetna" in page
    assert client.get(href).status_code == 200


def test_without_a_place_or_carrier_the_link_finds_every_spravato_center(client):
    page = answered(client)

    assert '<a class="button" href="/clinics/?treatment=spravato">Find Spravato centers</a>' in page


def test_answers_are_not_stored_anywhere(client, django_assert_max_num_queries):
    counts = {model: model.objects.count() for model in apps.get_models()}

    with django_assert_max_num_queries(1) as captured:  # the list of carriers for the form
        answered(client, where="Austin, TX", insurance="aetna", pregnancy="yes", contraindications=["avm"])

    assert all(query["sql"].lstrip().upper().startswith("SELECT") for query in captured.captured_queries)
    assert {model: model.objects.count() for model in apps.get_models()} == counts
    assert "sessionid" not in client.cookies


def test_answers_never_reach_the_logs(client, caplog):
    with caplog.at_level(logging.DEBUG):
        answered(client, where="Zanesville, OH", pregnancy="yes", contraindications=["brain-bleed"])
        client.post(URL, {"where": "Zanesville, OH", "pregnancy": "bogus"})

    logged = caplog.text.lower()
    assert "zanesville" not in logged
    assert "brain-bleed" not in logged and "pregnan" not in logged


def test_an_answered_page_is_never_cached(client):
    response = client.post(URL, NOTHING_STANDS_OUT)

    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_a_post_without_the_csrf_token_is_refused():
    client = Client(enforce_csrf_checks=True)

    assert client.post(URL, NOTHING_STANDS_OUT).status_code == 403


def test_other_methods_are_refused(client):
    assert client.put(URL).status_code == 405


@pytest.mark.parametrize(
    "data",
    [
        {},
        {**NOTHING_STANDS_OUT, "adult": "maybe"},
        {**NOTHING_STANDS_OUT, "antidepressants_tried": "99"},
        {**NOTHING_STANDS_OUT, "contraindications": ["'; DROP TABLE x; --"]},
        {**NOTHING_STANDS_OUT, "insurance": "no-such-carrier"},
        {**NOTHING_STANDS_OUT, "where": "7" * 500},
        {**NOTHING_STANDS_OUT, "where": "a\x00b"},
    ],
)
def test_bad_answers_get_the_form_back_with_a_clear_error(client, data):
    response = client.post(URL, data)
    page = response.content.decode()

    assert response.status_code == 200
    assert "Please answer the questions marked below." in page
    assert WORTH_ASKING not in page and NEEDS_A_DOCTOR not in page


def test_odd_query_strings_get_the_plain_questions(client):
    response = client.get(URL, {"adult": "yes", "where": "<script>", "x": "\U0001f600"})

    assert response.status_code == 200
    assert WORTH_ASKING not in response.content.decode()


def test_the_spravato_guide_and_treatment_page_link_to_the_self_check(client):
    guide = make_guide(treatments=["spravato"])
    other = make_guide(treatments=["iv-infusion"])

    assert f'href="{URL}"' in client.get(guide.get_absolute_url()).content.decode()
    assert f'href="{URL}"' not in client.get(other.get_absolute_url()).content.decode()
    assert f'href="{URL}"' in client.get(reverse("treatment_clinics", args=["spravato"])).content.decode()
