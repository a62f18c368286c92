"""Guide bodies: Markdown to sanitized HTML, with a table of contents built from the headings."""

from collections.abc import Iterable
from dataclasses import dataclass

import nh3
from django.utils.text import slugify
from markdown_it import MarkdownIt
from markdown_it.token import Token

ALLOWED_TAGS = {
    "h2", "h3", "h4", "h5", "h6", "p", "br", "hr", "blockquote", "ul", "ol", "li",
    "a", "img", "strong", "em", "del", "code", "pre",
    "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "ol": {"start"},
    **{f"h{level}": {"id"} for level in range(2, 7)},
}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto", "tel"}
TOC_LEVELS = ("h2", "h3")
# Ids the page around the body may use; a heading never takes one of them.
RESERVED_IDS = {
    "main",
    "main-content",
    "content",
    "top",
    "toc-heading",
    "related-clinics-heading",
    "related-guides-heading",
    "near",
}

# CommonMark with raw HTML allowed (nh3 decides what survives), plus GitHub-style tables and ~~strike~~.
_markdown = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])


@dataclass(frozen=True)
class TocEntry:
    level: int
    anchor: str
    text: str


@dataclass(frozen=True)
class RenderedBody:
    html: str
    toc: list[TocEntry]


def sanitize_html(html: str, *, heading_ids: Iterable[str] = ()) -> str:
    """Keep only the tags, attributes and URL schemes a guide needs; links get rel="noopener".

    Only the ids in `heading_ids` (the anchors render_markdown gave the headings) survive, each
    once: an id written in the body's HTML could repeat one the page or the contents already use.
    """
    unused_ids = set(heading_ids)

    def keep_only_heading_ids(element: str, attribute: str, value: str) -> str | None:
        if attribute != "id":
            return value
        if value in unused_ids:
            unused_ids.remove(value)
            return value
        return None

    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        clean_content_tags={"script", "style"},
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=keep_only_heading_ids,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener",
    )


def render_markdown(text: str) -> RenderedBody:
    """Render a guide body; headings get anchor ids and the h2/h3 ones make the table of contents."""
    tokens = _markdown.parse(text)
    toc, anchors = _anchor_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return RenderedBody(html=sanitize_html(html, heading_ids=anchors), toc=toc)


def _anchor_headings(tokens: list[Token]) -> tuple[list[TocEntry], list[str]]:
    """Give every heading a unique id; demote an h1 (the page title is the only h1).

    Returns the table of contents and every id given."""
    toc = []
    anchors = []
    taken = set(RESERVED_IDS)
    for token in tokens:
        if token.type == "heading_close" and token.tag == "h1":
            token.tag = "h2"
    for opening, inline in zip(tokens, tokens[1:], strict=False):
        if opening.type != "heading_open":
            continue
        if opening.tag == "h1":
            opening.tag = "h2"
        text = "".join(child.content for child in inline.children or [] if child.type in ("text", "code_inline"))
        anchor = base = slugify(text) or "section"
        n = 1
        while anchor in taken:
            n += 1
            anchor = f"{base}-{n}"
        taken.add(anchor)
        anchors.append(anchor)
        opening.attrSet("id", anchor)
        if opening.tag in TOC_LEVELS:
            toc.append(TocEntry(level=int(opening.tag[1]), anchor=anchor, text=text.strip()))
    return toc, anchors
