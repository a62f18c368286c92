"""No database message ever reaches a page: every form speaks plain words before the database has to.

Django's model validation checks a model's constraints on every ModelForm, and without a
`violation_error_message` it shows 'Constraint "<name>" is violated.' to whoever filled in the form.
"""

import inspect

import pytest
from django import forms
from django.contrib import admin
from django.db import models
from django.test import RequestFactory

import clinics.admin_forms
import clinics.forms
import clinics.staff.forms
import guides.forms
from clinics.models import Clinic
from tests.factories import make_clinic, make_user
from tests.staff_factories import listing_post_data, make_place

pytestmark = pytest.mark.django_db


def _project_constraint_names() -> set[str]:
    from django.apps import apps

    return {
        constraint.name
        for app in ("clinics", "guides")
        for model in apps.get_app_config(app).get_models()
        for constraint in model._meta.constraints
    }


def _every_model_form() -> list[type[forms.ModelForm]]:
    """The project's ModelForms and the admin's forms for its models, inlines included.

    The admin pages of allauth's own models are the library's, with its own words.
    """
    found = [
        form
        for module in (clinics.forms, clinics.staff.forms, clinics.admin_forms, guides.forms)
        for _, form in inspect.getmembers(module, inspect.isclass)
        if issubclass(form, forms.ModelForm) and form.__module__ == module.__name__
    ]
    request = RequestFactory().get("/admin/")
    request.user = make_user(is_staff=True, is_superuser=True)
    for model_admin in admin.site._registry.values():
        if model_admin.model._meta.app_label not in ("clinics", "guides"):
            continue
        found.append(model_admin.get_form(request))
        found.extend(inline(model_admin.model, admin.site).get_formset(request).form for inline in model_admin.inlines)
    return found


def _spoken(message: str) -> bool:
    return "constraint" not in message.lower() and not any(name in message for name in _project_constraint_names())


def test_every_constraint_a_form_can_hit_is_explained_in_plain_words():
    unexplained = []
    for form in _every_model_form():
        model = form._meta.model
        for constraint in model._meta.constraints:
            if not isinstance(constraint, models.CheckConstraint | models.UniqueConstraint):
                continue
            message = constraint.get_violation_error_message()
            if constraint.violation_error_message is None or not _spoken(message):
                unexplained.append(f"{form.__name__}: {constraint.name}")
    assert unexplained == []


def _assert_plain_words(page: str) -> None:
    assert "Constraint" not in page
    for name in _project_constraint_names():
        assert name not in page


def test_an_inquiry_with_neither_e_mail_nor_phone_says_what_to_give_once(client):
    make_place()
    clinic = make_clinic()
    response = client.post(
        f"/clinics/{clinic.slug}/inquiry/",
        {
            "name": "Robin Example",
            "message": "Do you take new patients?",
            "consent": "on",
            "submission_token": "0d6f3f2e-5e1b-4f55-9b64-2f7f5c3c3a10",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    _assert_plain_words(page)
    assert page.count("Give an e-mail address or a phone number so the clinic can reply.") == 1


def test_the_admin_clinic_form_explains_why_a_two_letter_web_address_is_refused(client):
    make_place()
    clinic = make_clinic()
    client.force_login(make_user(is_staff=True, is_superuser=True))
    data = {
        **{field: value for field, value in listing_post_data(clinic).items() if not field.startswith("treatments")},
        "name": clinic.name,
        "slug": "tx",
        "status": Clinic.Status.PUBLISHED,
        "latitude": clinic.latitude,
        "longitude": clinic.longitude,
        "treatments-TOTAL_FORMS": 0,
        "treatments-INITIAL_FORMS": 0,
        "memberships-TOTAL_FORMS": 0,
        "memberships-INITIAL_FORMS": 0,
    }
    response = client.post(f"/admin/clinics/clinic/{clinic.pk}/change/", data)
    page = response.content.decode()
    assert response.status_code == 200
    _assert_plain_words(page)
    assert "two letters name a state" in page
