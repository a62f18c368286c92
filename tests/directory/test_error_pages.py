import pytest
from django.test import RequestFactory

from directory.views import server_error


@pytest.mark.parametrize(
    "template, heading",
    [("500.html", b"Something went wrong"), ("400.html", b"could not read"), ("413.html", b"too large")],
)
def test_error_pages_render_without_request_or_database(template, heading):
    """No django_db mark: any database access here fails the test."""
    from django.template.loader import render_to_string

    html = render_to_string(template).encode()
    assert heading in html
    assert b'action="/clinics/"' in html  # the search form, with a plain path
    assert b"not medical advice" in html


def test_the_500_view_serves_the_friendly_page():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content
