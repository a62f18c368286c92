"""The check of a reused database connection before a request's first query (directory/postgresql/base.py)."""

import time

import psycopg
import pytest
from django.db import connection, connections

pytestmark = pytest.mark.django_db(transaction=True)


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def check_as_a_new_request_would() -> None:
    connection.health_check_done = False  # what Django does when a request starts
    connection.close_if_health_check_failed()


def test_a_healthy_connection_is_kept_without_asking_the_server(monkeypatch):
    pid, held = backend_pid(), connection.connection
    monkeypatch.setattr(type(connections["default"]), "is_usable", lambda self: pytest.fail("asked the server"))
    check_as_a_new_request_would()
    assert connection.connection is held
    assert backend_pid() == pid


def test_a_connection_the_server_ended_is_replaced_before_the_next_query():
    pid = backend_pid()
    settings = connection.get_connection_params()
    with psycopg.connect(**{key: value for key, value in settings.items() if key != "cursor_factory"}) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])
        for _ in range(100):  # the server ends the backend a moment later
            if not other.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone():
                break
            time.sleep(0.05)
    check_as_a_new_request_would()
    assert backend_pid() != pid  # no error: a new connection
