from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from guides.rendering import render_markdown, sanitize_html
from tests.factories import make_guide

ATTACKS = [
    "<script>alert('x')</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<p onclick=alert(1)>click</p>",
    '<a href="javascript:alert(1)">link</a>',
    '<a href="JaVaScRiPt:alert(1)">link</a>',
    '<a href="&#106;avascript:alert(1)">link</a>',
    '<a href=" javascript:alert(1)">link</a>',
    "[link](javascript:alert(1))",
    "![image](javascript:alert(1))",
    "<iframe src=https://evil.example></iframe>",
    "<style>body { display: none }</style>",
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">link</a>',
    "<form action=https://evil.example><input name=password></form>",
    "<svg><script>alert(1)</script></svg>",
    '<div style="background:url(javascript:alert(1))">x</div>',
]


class ElementCollector(HTMLParser):
    """Every element and attribute in a fragment, as a browser's parser would see them."""

    def __init__(self) -> None:
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, {name: value or "" for name, value in attrs}))


def elements(html: str) -> list[tuple[str, dict[str, str]]]:
    collector = ElementCollector()
    collector.feed(html)
    return collector.elements


def assert_harmless(html: str) -> None:
    for tag, attrs in elements(html):
        assert tag not in {"script", "iframe", "style", "form", "input", "svg"}, html
        for name, value in attrs.items():
            assert not name.startswith("on"), html
            assert name != "style", html
            if name in {"href", "src"}:
                assert urlsplit(value.strip()).scheme.lower() in {"", "http", "https", "mailto", "tel"}, html


@pytest.mark.parametrize("attack", ATTACKS)
def test_it_never_lets_script_through_the_markdown_renderer(attack):
    html = render_markdown(f"Before\n\n{attack}\n\nAfter").html

    assert_harmless(html)
    assert "alert(1)</script" not in html


def test_the_sanitiser_checks_real_elements_not_text():
    """The check above must be able to fail."""
    with pytest.raises(AssertionError):
        assert_harmless('<a href="javascript:alert(1)">x</a>')


def test_it_keeps_the_markdown_a_guide_needs():
    html = render_markdown(
        "## Costs\n\n"
        "Some **bold** and *italic* text with `code`.\n\n"
        "- one\n- two\n\n"
        "1. first\n2. second\n\n"
        "> A quotation.\n\n"
        "| Treatment | Price |\n|---|---|\n| IV | $400 |\n\n"
        "![A clinic room](https://example.com/room.jpg)\n\n"
        "[Our safety guide](/guides/safety/) and [an outside source](https://example.org/)"
    ).html

    tags = {tag for tag, _ in elements(html)}
    assert {"h2", "strong", "em", "code", "ul", "ol", "li", "blockquote", "table", "th", "td", "img", "a"} <= tags
    assert '<img src="https://example.com/room.jpg" alt="A clinic room">' in html


def test_it_gives_links_rel_noopener():
    links = [attrs for tag, attrs in elements(render_markdown("[outside](https://example.org/)").html) if tag == "a"]

    assert links == [{"href": "https://example.org/", "rel": "noopener"}]


def test_it_drops_table_alignment_styles_that_the_csp_would_block():
    html = render_markdown("| a | b |\n|--:|:-:|\n| 1 | 2 |").html

    assert "style=" not in html


def test_the_table_of_contents_anchors_match_the_heading_ids():
    rendered = render_markdown("## Costs\n\ntext\n\n### Insurance & you\n\ntext\n\n## Costs\n\ntext\n\n#### Deep")

    heading_ids = [attrs["id"] for tag, attrs in elements(rendered.html) if tag in {"h2", "h3"}]
    assert [entry.anchor for entry in rendered.toc] == heading_ids == ["costs", "insurance-you", "costs-2"]
    assert [(entry.level, entry.text) for entry in rendered.toc] == [(2, "Costs"), (3, "Insurance & you"), (2, "Costs")]


def test_a_heading_never_takes_an_id_the_page_uses():
    rendered = render_markdown("## Main\n\n## Near")

    assert [entry.anchor for entry in rendered.toc] == ["main-2", "near-2"]


@pytest.mark.parametrize("raw_id", ["main", "toc-heading", "costs"])
def test_a_heading_written_in_html_cannot_reuse_an_id(raw_id):
    rendered = render_markdown(f'<h2 id="{raw_id}">Written in HTML</h2>\n\n## Costs\n\n<p id="{raw_id}">text</p>')

    ids = [attrs["id"] for tag, attrs in elements(rendered.html) if "id" in attrs]
    assert ids == ["costs"]
    assert [entry.anchor for entry in rendered.toc] == ["costs"]


def test_it_turns_an_h1_into_an_h2_because_the_title_is_the_pages_h1():
    html = render_markdown("# Big heading").html

    assert html.strip() == '<h2 id="big-heading">Big heading</h2>'


def test_sanitize_html_strips_event_handlers_from_allowed_tags():
    assert sanitize_html('<h2 id="x" onmouseover="alert(1)">Hi</h2>') == "<h2>Hi</h2>"


@pytest.mark.django_db
def test_a_hostile_guide_body_never_reaches_the_page(client):
    guide = make_guide(body="\n\n".join(ATTACKS))

    response = client.get(guide.get_absolute_url())

    body = response.content.decode().split('<div class="guide__body">')[1].split("</div>")[0]
    assert response.status_code == 200
    assert_harmless(body)
    assert "<script>alert" not in response.content.decode()


@pytest.mark.django_db
def test_a_hostile_title_cannot_break_out_of_the_structured_data(client):
    guide = make_guide(title="</script><script>alert(1)</script>", summary="Tom & Jerry <b>")

    page = client.get(guide.get_absolute_url()).content.decode()

    assert "<script>alert(1)" not in page
    assert "\\u003C/script\\u003E\\u003Cscript\\u003Ealert(1)" in page


@pytest.mark.django_db
def test_it_renders_the_body_once_when_saved_not_on_every_request():
    guide = make_guide(body="## Hello\n\nWorld")

    assert guide.body_html.startswith('<h2 id="hello">Hello</h2>')
    assert guide.toc == [{"level": 2, "anchor": "hello", "text": "Hello"}]


@pytest.mark.django_db
def test_guides_stored_before_ids_were_checked_are_rendered_again_by_a_migration():
    from importlib import import_module

    from django.apps import apps

    from guides.models import Guide

    guide = make_guide(body='<h2 id="main">Written in HTML</h2>\n\n## Costs')
    Guide.objects.filter(pk=guide.pk).update(body_html='<h2 id="main">Written in HTML</h2>')

    import_module("guides.migrations.0005_render_bodies_without_foreign_ids").render_again(apps, None)

    guide.refresh_from_db()
    assert 'id="main"' not in guide.body_html
    assert 'id="costs"' in guide.body_html
