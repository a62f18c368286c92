"""PostgreSQL restarted under a running site: a friendly 503 meanwhile, then business as usual."""

import pytest

from tests.deployment.conftest import Client

pytestmark = pytest.mark.servers

SETUP = """
import json
from tests.factories import make_clinic
clinic = make_clinic(name="Restart Test Clinic", slug="restart-test-clinic")
print(json.dumps({"slug": clinic.slug}))
"""
COUNT_INQUIRIES = """
import json
from clinics.models import Inquiry
print(json.dumps({"count": Inquiry.objects.filter(clinic__name="Restart Test Clinic").count()}))
"""
INQUIRY = {"name": "Pat Example", "email": "pat@example.com", "phone": "", "message": "Evenings?", "consent": "on"}


def test_a_restart_gets_a_friendly_503_then_the_next_requests_succeed_and_nothing_is_doubled(site, start_server):
    slug = site.run_python(SETUP)["slug"]
    url = start_server()
    visitor = Client()
    assert visitor.get(f"{url}/clinics/{slug}/").status == 200  # the worker now holds a connection
    form = visitor.form_fields(f"{url}/clinics/{slug}/inquiry/")

    site.stop_database()
    try:
        during = visitor.post(f"{url}/clinics/{slug}/inquiry/", {**form, **INQUIRY})
        health = visitor.get(f"{url}/healthz")
        page = visitor.get(f"{url}/clinics/{slug}/")
    finally:
        site.start_database()

    assert during.status == 503
    assert during.headers["Retry-After"] == "30"
    assert "What you just sent could not be saved" in during.text
    assert "Back button" in during.text
    assert "Traceback" not in during.text
    assert "OperationalError" not in during.text
    assert "Evenings?" not in during.text  # what the patient wrote is not echoed anywhere
    assert health.status == 503
    assert page.status == 503
    assert "briefly unavailable" in page.text
    assert "Content-Security-Policy" in page.headers

    assert visitor.get(f"{url}/clinics/{slug}/").status == 200  # stale connection replaced (CONN_HEALTH_CHECKS)
    assert visitor.get(f"{url}/healthz").status == 200
    again = visitor.post(f"{url}/clinics/{slug}/inquiry/", {**form, **INQUIRY})
    assert again.status == 302  # sent again after the outage: stored
    assert visitor.post(f"{url}/clinics/{slug}/inquiry/", {**form, **INQUIRY}).status == 302
    assert site.run_python(COUNT_INQUIRIES)["count"] == 1  # the same form twice is one inquiry
