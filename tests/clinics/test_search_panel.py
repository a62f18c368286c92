"""The search page's filters: a panel with one Apply button and the result count, nothing submitted on change."""

import re

import pytest

from clinics.models import InsuranceCarrier, Place
from tests.factories import AUSTIN, make_clinic

pytestmark = pytest.mark.django_db


@pytest.fixture
def austin():
    Place.objects.create(zip_code="78701", city="Austin", state="TX", latitude=AUSTIN[0], longitude=AUSTIN[1])


def test_the_search_form_does_not_ask_to_be_submitted_on_every_change(client, austin):
    make_clinic()
    html = client.get("/clinics/?where=78701").content.decode()
    assert "data-auto-submit" not in html
    assert "data-live-search" in html  # search.js updates the results in place instead


def test_the_script_never_submits_the_form_when_a_filter_or_the_sort_changes():
    script = open("static/js/search.js").read()
    change_handler = script[script.index('addEventListener("change"') :]
    change_handler = change_handler[: change_handler.index("});")]
    assert "requestSubmit" not in change_handler
    assert "submit()" not in change_handler


def test_the_apply_button_sits_beside_the_number_of_clinics_the_search_finds(client, austin):
    make_clinic(name="Cedar IV Clinic")
    make_clinic(name="Juniper Spravato Center", treatments={"spravato": (500, 650)})
    html = client.get("/clinics/?where=78701").content.decode()
    actions = re.search(r'<p class="filters__actions">(.*?)</p>', html, re.S)[1]
    assert "Apply filters" in actions
    assert re.search(r'data-swap="count">\s*2 clinics match', actions)
    one = client.get("/clinics/?where=78701&treatment=spravato").content.decode()
    assert re.search(r'data-swap="count">\s*1 clinic match', one)


def test_the_results_and_each_option_count_are_marked_for_the_script_to_swap(client, austin):
    make_clinic()
    html = client.get("/clinics/?where=78701").content.decode()
    assert 'data-swap="results"' in html
    assert 'data-swap="active"' in html and 'data-swap="chips"' in html
    assert 'data-swap="count-max_price-500"' in html
    assert 'aria-live="polite" data-announce' in html


def test_the_filters_heading_says_it_opens(client, austin):
    css = open("static/css/site.css").read()
    assert re.search(r'\.filters summary::after \{[^}]*content: "Show"', css)
    assert re.search(r'\.filters\[open\] summary::after \{ content: "Hide"; \}', css)


def test_the_filter_options_written_by_tags_escape_their_labels(client, austin):
    InsuranceCarrier.objects.create(slug="odd-carrier", name='Odd <b>"Carrier"</b> & Co')
    make_clinic()
    html = client.get("/clinics/?where=78701&insurance=odd-carrier").content.decode()
    assert "Odd &lt;b&gt;&quot;Carrier&quot;&lt;/b&gt; &amp; Co" in html
    assert "<b>" not in html
    checkbox = re.search(r'<input type="checkbox" name="insurance" value="odd-carrier"[^>]*>', html)[0]
    assert checkbox.endswith(" checked>")
