"""One visitor address for every limit on the site, allauth's included, read through the trusted proxies."""

import pytest
from django.test import RequestFactory

from directory.ratelimit import client_ip
from tests.staff_factories import make_verified_user

PASSWORD = "correct horse battery staple 42"


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **headers)


def test_without_trusted_proxies_the_connecting_address_counts_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.5", "198.51.100.7")) == "203.0.113.5"


def test_behind_one_proxy_the_address_it_appended_counts_not_one_the_visitor_wrote(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "198.51.100.7")) == "198.51.100.7"
    assert client_ip(request_from("10.0.0.2", "192.0.2.1, 198.51.100.7")) == "198.51.100.7"


def test_behind_two_proxies_the_address_the_first_one_saw_counts(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.2", "192.0.2.1, 198.51.100.7, 10.0.0.1")) == "198.51.100.7"


def test_a_header_shorter_than_the_proxies_or_not_an_address_falls_back_to_the_connection(settings):
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(request_from("10.0.0.2", "198.51.100.7")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "not-an-address")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2", "")) == "10.0.0.2"


def test_ipv6_addresses_are_written_one_way(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.2", "2001:DB8:0:0::1")) == "2001:db8::1"


@pytest.mark.django_db
def test_ten_wrong_passwords_from_one_address_behind_the_proxy_do_not_lock_out_another(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    make_verified_user(email="owner@clinic.example", password=PASSWORD)
    attacker = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "203.0.113.5"}
    for n in range(10):  # a different account each time, so only the per-address limit can trip
        client.post("/accounts/login/", {"login": f"guess{n}@clinic.example", "password": "wrong"}, **attacker)
    refused = client.post("/accounts/login/", {"login": "guess@clinic.example", "password": "wrong"}, **attacker)
    assert b"Too many failed login attempts" in refused.content

    visitor = {"REMOTE_ADDR": "10.0.0.2", "HTTP_X_FORWARDED_FOR": "198.51.100.7"}
    response = client.post("/accounts/login/", {"login": "owner@clinic.example", "password": PASSWORD}, **visitor)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert client.get("/dashboard/").status_code == 200
