"""page_url: the URL of a page without arguments, reversed once per process and script prefix."""

from django.template import engines
from django.urls import clear_script_prefix, reverse, set_script_prefix

from directory.templatetags.link_tags import page_url


def test_it_gives_what_the_url_tag_gives():
    template = engines["django"].from_string('{% load link_tags %}{% page_url "pages:about" %}|{% url "pages:about" %}')
    mine, django = template.render({}).split("|")
    assert mine == django == reverse("pages:about")


def test_a_site_served_under_a_prefix_gets_links_with_that_prefix():
    assert page_url("guides:list") == "/guides/"
    set_script_prefix("/directory/")
    try:
        assert page_url("guides:list") == "/directory/guides/"
    finally:
        clear_script_prefix()
    assert page_url("guides:list") == "/guides/"
