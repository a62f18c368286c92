"""Security headers, the production deploy check, and requests built to exhaust the server."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_clinic, make_guide
from tests.staff_factories import make_editor, make_member

pytestmark = pytest.mark.django_db

BASE_DIR = Path(settings.BASE_DIR)
STRICT_DIRECTIVES = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data: https://tile.openstreetmap.org",  # map tiles (tests/clinics/test_map.py)
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(directive.strip().partition(" ")[::2] for directive in header.split(";") if directive.strip())


@pytest.fixture
def site():
    clinic = make_clinic(name="Juniper Ketamine Care")
    guide = make_guide(slug="what-is-ketamine-therapy")
    owner = make_member(clinic, email="owner@junipercare.example")
    return clinic, guide, owner


def public_pages(clinic, guide) -> list[str]:
    return [
        "/",
        "/clinics/?where=78701&treatment=iv-infusion&sort=distance",
        clinic.get_absolute_url(),
        "/clinics/tx/",
        "/clinics/tx/austin/",
        "/treatments/iv-infusion/",
        f"/clinics/compare/?id={clinic.pk}",
        "/guides/",
        guide.get_absolute_url(),
        "/accounts/login/",
        f"/clinics/{clinic.slug}/inquiry/",
        "/no-such-page/",
    ]


def test_every_public_page_carries_the_strict_policy(client, site):
    clinic, guide, _ = site
    for url in public_pages(clinic, guide):
        response = client.get(url)
        assert response.status_code in (200, 404), url
        assert policy(response).items() >= STRICT_DIRECTIVES.items(), url


def test_no_policy_allows_inline_or_evaluated_scripts(client, site):
    clinic, guide, _ = site
    for url in public_pages(clinic, guide):
        header = client.get(url).headers["Content-Security-Policy"]
        assert "unsafe-inline" not in header, url
        assert "unsafe-eval" not in header, url


def test_the_dashboard_and_edit_page_carry_the_strict_policy(client, site):
    clinic, _, owner = site
    client.force_login(owner)
    for url in ["/dashboard/", f"/manage/clinics/{clinic.slug}/edit/", f"/manage/clinics/{clinic.slug}/"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert policy(response).items() >= STRICT_DIRECTIVES.items(), url


def test_the_admin_allows_inline_styles_but_still_no_inline_scripts(client, site):
    client.force_login(make_editor())
    for url in ["/admin/", "/admin/clinics/clinic/", "/admin/login/"]:
        response = client.get(url)
        assert response.status_code in (200, 302), url
        directives = policy(response)
        assert directives["style-src"] == "'self' 'unsafe-inline'", url
        assert directives["script-src"] == "'self'", url
        assert directives["frame-ancestors"] == "'none'", url


def test_pages_carry_the_other_security_headers(client, site):
    response = client.get("/")
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_template_carries_inline_styles_or_scripts():
    for template in (BASE_DIR / "templates").rglob("*.html"):
        if template.parts[-3:-1] == ("templates", "admin") or "admin" in template.relative_to(BASE_DIR).parts:
            continue
        text = template.read_text()
        assert "style=" not in text, template
        assert "<style" not in text, template
        for line in text.splitlines():
            if "<script" in line:
                assert 'type="application/ld+json"' in line or " src=" in line, f"{template}: {line.strip()}"


def production_environment(**overrides) -> dict[str, str]:
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SECURE_", "DEBUG"))
    }
    production = {
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "clinics.example.org",
        "EMAIL_HOST": "smtp.clinics.example.org",
    }
    return {**environment, **production, **overrides}


def test_check_deploy_passes_with_production_settings():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=production_environment(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_in_production_without_a_mail_server():
    environment = production_environment()
    del environment["EMAIL_HOST"]
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "directory.E001" in result.stderr


def test_production_settings_refuse_to_start_without_a_secret_key():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env=production_environment(SECRET_KEY=""),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_a_get_with_1001_parameters_gets_the_friendly_400_page(client, site):
    query = "&".join(f"p{n}=1" for n in range(1001))
    response = client.get(f"/clinics/?{query}")
    assert response.status_code == 400
    assert b"We could not read that request" in response.content


def test_a_post_with_1001_fields_gets_400(client, site):
    clinic, _, _ = site
    fields = "&".join(f"field{n}=x" for n in range(1001))  # urlencoded: within the 64 KB body limit
    response = client.post(f"/clinics/{clinic.slug}/inquiry/", fields, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert b"We could not read that request" in response.content


@pytest.mark.parametrize("value", ["iv-infusion", "no-such-treatment-{n}"])
def test_a_filter_with_999_values_is_answered_with_a_page(client, site, value, django_assert_max_num_queries):
    values = "&".join(f"treatment={value.format(n=n)}" for n in range(999))
    with django_assert_max_num_queries(43):  # a cold search with its cache reads and writes; not one per value
        response = client.get(f"/clinics/?{values}")
    assert response.status_code == 200


def test_a_filter_with_5000_values_is_refused_with_the_friendly_400_page(client, site):
    values = "&".join(f"treatment=iv-infusion-{n}" for n in range(5000))
    response = client.get(f"/clinics/?{values}")
    assert response.status_code == 400
    assert b"We could not read that request" in response.content


@pytest.mark.parametrize("name", ["q", "where", "treatment", "sort", "page", "max_price"])
def test_a_100_kilobyte_filter_value_is_answered_without_an_error(client, site, name):
    response = client.get("/clinics/", {name: "a" * 100_000})
    assert response.status_code in (200, 400, 404)  # a page number that is no page is "not found"
