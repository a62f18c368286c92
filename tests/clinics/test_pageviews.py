"""Clinic page views: added up in memory and written in one statement, or at once with the setting at 0."""

import threading
from unittest import mock

import pytest
from django.db import OperationalError

from clinics import pageviews
from clinics.models import ClinicPageViews


@pytest.fixture
def buffered(settings):
    """Views kept in memory, with no writer thread: the test calls flush() itself."""
    settings.PAGE_VIEWS_FLUSH_SECONDS = 3600
    with mock.patch.object(pageviews, "_start_writer"):
        yield
    pageviews._counts.clear()


def views(clinic) -> int:
    row = ClinicPageViews.objects.filter(clinic=clinic).first()
    return row.views if row else 0


@pytest.mark.django_db
def test_with_the_setting_at_0_each_view_is_written_at_once_in_one_row_per_clinic_and_day(clinic, other_clinic):
    for _ in range(3):
        pageviews.count_view(clinic.slug)
    pageviews.count_view(other_clinic.slug)
    assert (views(clinic), views(other_clinic)) == (3, 1)
    assert ClinicPageViews.objects.count() == 2


@pytest.mark.django_db
def test_buffered_views_are_written_together_in_one_statement(
    buffered, clinic, other_clinic, django_assert_num_queries
):
    with django_assert_num_queries(0):
        for _ in range(5):
            pageviews.count_view(clinic.slug)
        pageviews.count_view(other_clinic.slug)
        pageviews.count_view("a-clinic-deleted-since")
    assert ClinicPageViews.objects.count() == 0
    with django_assert_num_queries(1):
        pageviews.flush()
    assert (views(clinic), views(other_clinic)) == (5, 1)
    pageviews.count_view(clinic.slug)
    pageviews.flush()
    assert views(clinic) == 6
    with django_assert_num_queries(0):
        pageviews.flush()  # nothing left to write


@pytest.mark.django_db
def test_views_that_could_not_be_written_are_kept_for_the_next_try(buffered, clinic):
    pageviews.count_view(clinic.slug)
    with mock.patch.object(ClinicPageViews, "add", side_effect=OperationalError("the database is down")):
        pageviews.flush()
    pageviews.count_view(clinic.slug)
    pageviews.flush()
    assert views(clinic) == 2


@pytest.mark.django_db(transaction=True)
def test_the_writer_thread_writes_views_by_itself_and_stops_when_the_setting_goes_to_0(
    settings, reference_data, clinic
):
    settings.PAGE_VIEWS_FLUSH_SECONDS = 0.05
    pageviews.count_view(clinic.slug)
    writer = next(thread for thread in threading.enumerate() if thread.name == "page-view-writer")
    for _ in range(200):  # up to 10 s on a busy machine
        if views(clinic):
            break
        writer.join(0.05)
    assert views(clinic) == 1
    settings.PAGE_VIEWS_FLUSH_SECONDS = 0
    writer.join(10)
    assert not writer.is_alive()
