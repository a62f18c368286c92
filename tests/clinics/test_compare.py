import pytest

from clinics.models import Clinic, InsuranceCarrier
from tests.factories import bill_insurance, make_clinic

pytestmark = pytest.mark.django_db


def compare_url(*ids) -> str:
    return "/clinics/compare/?" + "&".join(f"id={pk}" for pk in ids)


def test_two_clinics_are_shown_side_by_side_with_prices_and_estimates(client):
    first = make_clinic(name="Cedar Ketamine", treatments={"iv-infusion": (400, 500)})
    second = make_clinic(name="Juniper Infusions", treatments={"spravato": (600, 600)})
    InsuranceCarrier.objects.create(name="Fictional Mutual", slug="fictional-mutual")
    bill_insurance(second, "spravato", "fictional-mutual")
    response = client.get(compare_url(first.pk, second.pk))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("Cedar Ketamine") < html.index("Juniper Infusions")  # in the order chosen
    assert "$2,400–$3,000 for 6 sessions" in html  # IV first course
    assert "$4,800 for 8 sessions" in html  # Spravato first course
    assert "Fictional Mutual" in html
    assert "Not offered" in html


@pytest.mark.parametrize("count", [1, 4])
def test_one_to_four_clinics_can_be_compared(client, count):
    clinics = [make_clinic() for _ in range(count)]
    response = client.get(compare_url(*(c.pk for c in clinics)))
    assert response.status_code == 200
    assert list(response.context["clinics"]) == clinics


def test_more_than_four_clinics_are_refused_with_a_message(client):
    clinics = [make_clinic() for _ in range(5)]
    response = client.get(compare_url(*(c.pk for c in clinics)))
    assert response.status_code == 400
    assert b"up to 4 clinics" in response.content
    assert compare_url(*(c.pk for c in clinics[:4])).split("?")[1].replace("&", "&amp;").encode() in response.content


def test_unknown_malformed_repeated_and_unpublished_ids_are_ignored(client):
    clinic = make_clinic()
    draft = make_clinic(status=Clinic.Status.DRAFT)
    response = client.get(
        f"/clinics/compare/?id={clinic.pk}&id={clinic.pk}&id=99999999&id=abc&id=-3&id=1e9&id={draft.pk}"
        "&id=%C2%B2&id=%D9%A1"  # "²" and an Arabic-Indic one: digits to str.isdigit(), not plain numbers
    )
    assert response.status_code == 200
    assert list(response.context["clinics"]) == [clinic]


def test_an_empty_compare_explains_how_to_choose_clinics(client):
    response = client.get("/clinics/compare/")
    assert response.status_code == 200
    assert "Add to compare" in response.content.decode()


@pytest.mark.parametrize("count", [1, 4])
def test_the_compare_page_query_count_does_not_grow_with_clinics(client, django_assert_max_num_queries, count):
    clinics = [make_clinic(treatments={"iv-infusion": (400, 500), "spravato": (500, 700)}) for _ in range(count)]
    with django_assert_max_num_queries(5):
        assert client.get(compare_url(*(c.pk for c in clinics))).status_code == 200
