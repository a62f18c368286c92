import pytest

from clinics.models import Condition
from tests.factories import make_clinic

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_patient_goes_from_the_home_page_through_the_clinic_list_to_a_clinic(page):
    clinic = make_clinic(name="Bluebird Ketamine Center", treatments={"spravato": (500, 650)})
    clinic.conditions.add(Condition.objects.get(slug="ptsd"))

    page.goto("/")
    page.get_by_role("link", name="PTSD").first.click()
    page.get_by_role("link", name="Bluebird Ketamine Center").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Bluebird Ketamine Center"
    assert "4,000" in page.content()  # 8 Spravato sessions at $500
