"""`{% page_url "name" %}`: `{% url "name" %}` for a page that takes no arguments, reversed once per process.

Reversing a URL checks its pattern with a regular expression each time (about 30 µs), and base.html
links fifteen pages on every page served: half the time the search page's frame took to render.
"""

import functools

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@register.simple_tag
def page_url(name: str) -> str:
    return _reversed(name, get_urlconf(), get_script_prefix())


@functools.cache
def _reversed(name: str, urlconf: str | None, prefix: str) -> str:
    """Keyed by what reverse() reads besides the name, so a request with another prefix or URLconf
    gets its own."""
    return reverse(name, urlconf=urlconf)
