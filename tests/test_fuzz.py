"""Arbitrary query strings on every public page and arbitrary values in every public form: never a 500.

The search page has its own hypothesis tests in tests/clinics/test_search.py. Django's test client
raises any exception a view lets escape, so each example fails on a traceback as well as on a 5xx.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import from_form

from clinics.forms import InquiryForm, ListingReportForm
from clinics.models import ChangeRequest
from clinics.staff.changes import RELATED_FIELDS, SCALAR_FIELDS
from tests.factories import make_clinic, make_guide
from tests.staff_factories import listing_post_data, make_member, make_place

pytestmark = pytest.mark.django_db

FUZZ = settings(
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Values that have broken parsers before: NUL, digits that str.isdigit() accepts but int() refuses,
# numbers too big for any column, IEEE specials, separators of query strings and paths.
NASTY = ["", "\x00", "a\x00b", "²", "١٢٣٤٥", "𝟙𝟚", "-1", "0", "1e309", "nan", "inf", "%", "%00", "&", "=", "/", ".."]
NASTY += ["'", "78701", "Austin, TX", "iv-infusion", "ptsd", "aetna", "on", "1", "2", "99999999999999999999", " " * 300]
VALUES = st.one_of(
    st.text(max_size=200),
    st.sampled_from(NASTY),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.floats().map(str),
)
COMMON_PARAMETERS = ["page", "next", "format", "utm_source"]

CLINIC = "/clinics/juniper-ketamine-care/"
# Every public GET page but the search (see above), with the parameters it reads.
PAGES = {
    "home": ("/", []),
    "clinic": (CLINIC, []),
    "inquiry form": (CLINIC + "inquiry/", []),
    "inquiry sent": (CLINIC + "inquiry/sent/", []),
    "report form": (CLINIC + "report/", []),
    "compare": ("/clinics/compare/", ["id"]),
    "state": ("/clinics/tx/", ["sort", "where"]),
    "city": ("/clinics/tx/austin/", ["sort", "where"]),
    "treatment": ("/treatments/iv-infusion/", ["sort", "treatment"]),
    "condition": ("/conditions/ptsd/", ["sort", "condition"]),
    "guides": ("/guides/", []),
    "guide topic": ("/guides/topic/ptsd/", []),
    "guide": ("/guides/what-to-expect/", ["near"]),
    "guide feed": ("/guides/feed.xml", []),
    "Spravato self-check": ("/guides/self-check/spravato/", ["adult", "where", "insurance"]),
    "site page": ("/privacy/", []),
    "sitemap": ("/sitemap.xml", ["p"]),
    "sitemap section": ("/sitemap-clinics.xml", ["p"]),
    "robots": ("/robots.txt", []),
    "health": ("/healthz", []),
    "sign-in": ("/accounts/login/", ["next", "email"]),
    "sign-up": ("/accounts/signup/", ["next", "email"]),
    "password reset": ("/accounts/password/reset/", ["email"]),
}


@pytest.fixture
def site(settings):
    """A little of everything the public pages show, and no rate limits to cut the fuzzing short."""
    settings.RATE_LIMITS = {scope: (10**9, 1) for scope in settings.RATE_LIMITS}
    settings.ACCOUNT_RATE_LIMITS = False
    make_place()
    clinic = make_clinic(
        name="Juniper Ketamine Care",
        slug="juniper-ketamine-care",
        treatments={"iv-infusion": (400, 600), "spravato": (500, 650)},
    )
    make_clinic(name="Cedar IV Clinic")
    make_guide(slug="what-to-expect", treatments=["iv-infusion"], conditions=["ptsd"])
    return clinic


def assert_not_a_server_error(response) -> None:
    event(f"HTTP {response.status_code}")  # --hypothesis-show-statistics tells how many got past validation
    assert response.status_code < 500, response.status_code


# --- query strings --------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PAGES)
@FUZZ
@given(data=st.data())
def test_no_query_string_makes_a_public_page_fail(client, site, name, data):
    path, parameters = PAGES[name]
    keys = st.one_of(st.sampled_from(parameters + COMMON_PARAMETERS), st.text(max_size=20))
    query = QueryDict(mutable=True)
    for key, value in data.draw(st.lists(st.tuples(keys, VALUES), max_size=6)):
        query.appendlist(key, value)
    assert_not_a_server_error(client.get(path, query))


@pytest.mark.parametrize("name", PAGES)
def test_no_known_bad_value_in_any_parameter_a_page_reads_makes_it_fail(client, site, name):
    """The values above, each in turn, in every parameter the page reads: too rare for hypothesis to pair up."""
    path, parameters = PAGES[name]
    for key in [*parameters, "page"]:
        for value in NASTY:
            assert client.get(path, {key: value}).status_code < 500, (key, value)


@pytest.mark.parametrize("name", ["clinic", "compare", "guide", "guides", "state", "sitemap section"])
@settings(FUZZ, max_examples=50)
@given(raw=st.text(max_size=200))
def test_no_raw_query_string_makes_a_public_page_fail(client, site, name, raw):
    assert_not_a_server_error(client.get(PAGES[name][0] + "?" + raw.replace("#", "%23")))


# --- public forms ---------------------------------------------------------------------------------


def form_data(field_names: list[str]):
    """POST data: any of the form's fields (and a stranger), each with one or several arbitrary values."""
    return st.dictionaries(
        st.one_of(st.sampled_from(field_names), st.text(max_size=20)),
        st.one_of(VALUES, st.lists(VALUES, min_size=2, max_size=3)),
        max_size=len(field_names) + 1,
    )


SELF_CHECK_FIELDS = [
    "adult", "diagnosed", "antidepressants_tried", "contraindications", "pregnancy", "ride_home", "where", "insurance",
]  # fmt: skip


@FUZZ
@given(data=form_data(SELF_CHECK_FIELDS))
def test_no_answers_make_the_spravato_self_check_fail(client, site, data):
    assert_not_a_server_error(client.post("/guides/self-check/spravato/", data))


INQUIRY_FIELDS = ["name", "email", "phone", "message", "consent", "company", "submission_token"]


@FUZZ
@given(data=form_data(INQUIRY_FIELDS))
def test_no_inquiry_makes_the_inquiry_form_fail(client, site, data):
    assert_not_a_server_error(client.post(CLINIC + "inquiry/", data))


@FUZZ
@given(form=from_form(InquiryForm))
def test_any_valid_inquiry_is_stored_or_refused_cleanly(client, site, form):
    data = {name: value for name, value in form.data.items() if value is not None and value is not False}
    assert_not_a_server_error(client.post(CLINIC + "inquiry/", data))


@FUZZ
@given(data=form_data(["part", "note", "reporter_email"]))
def test_no_report_makes_the_report_form_fail(client, site, data):
    assert_not_a_server_error(client.post(CLINIC + "report/", data))


@FUZZ
@given(form=from_form(ListingReportForm))
def test_any_valid_report_is_stored(client, site, form):
    data = {name: value for name, value in form.data.items() if value is not None}
    assert_not_a_server_error(client.post(CLINIC + "report/", data))


@pytest.mark.parametrize(
    "path, fields",
    [
        ("/accounts/signup/", ["email", "password1", "password2"]),
        ("/accounts/login/", ["login", "password", "remember"]),
        ("/accounts/password/reset/", ["email"]),
    ],
)
@FUZZ
@given(data=st.data())
def test_no_values_make_the_account_forms_fail(site, path, fields, data):
    client = Client()  # a fresh visitor each time, never one a previous example signed in
    assert_not_a_server_error(client.post(path, data.draw(form_data(fields))))


@FUZZ
@given(email=st.emails(), password=st.text(max_size=80))
def test_any_sign_up_with_matching_passwords_gets_a_page(site, email, password):
    data = {"email": email, "password1": password, "password2": password}
    assert_not_a_server_error(Client().post("/accounts/signup/", data))


# --- the member's edit form -----------------------------------------------------------------------

LISTING_FIELDS = [
    *SCALAR_FIELDS,
    *RELATED_FIELDS,
    "base",
    "keep_photos",
    "remove_logo",
    "treatments-TOTAL_FORMS",
    "treatments-INITIAL_FORMS",
    "treatments-0-treatment_type",
    "treatments-0-offered",
    "treatments-0-price_min",
    "treatments-0-price_max",
    "treatments-1-price_max",
    "treatments-7-offered",
]
UPLOADS = st.builds(
    lambda prefix, body: SimpleUploadedFile("upload.png", prefix + body, content_type="image/png"),
    st.sampled_from([b"", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff\xe0", b"RIFF\x00\x00\x00\x00WEBPVP8 "]),
    st.binary(max_size=2000),
)


@pytest.fixture
def owner_client(client, site):
    client.force_login(make_member(site))
    return client


@FUZZ
@given(changes=form_data(LISTING_FIELDS), logo=st.none() | UPLOADS)
def test_no_values_make_the_members_edit_form_fail(owner_client, site, changes, logo):
    clinic = site
    ChangeRequest.objects.filter(clinic=clinic).delete()  # a pending change would send the member to it instead
    data = {**listing_post_data(clinic), **changes}
    if logo:
        data["logo"] = logo
    assert_not_a_server_error(owner_client.post(f"/manage/clinics/{clinic.slug}/edit/", data))
