"""The clinic search page: filters with facet counts, sort, and pagination that never scans deep."""

import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.utils.functional import cached_property

from clinics import chips, keywords
from clinics.cards import Row, cards
from clinics.filters import ClinicFilter, ClinicSearchForm
from clinics.models import Clinic
from clinics.views import compare
from directory.caching import CSRF_SLOT, cached, page_for_everyone, reading_only, shared_page, url_key

CLINICS_PER_PAGE = 20
MAX_PAGES = 50  # 1,000 clinics; past that, a narrower search serves the patient better than page 51


class CappedPaginator(Paginator):
    """A paginator that offers at most MAX_PAGES pages, however many results there are."""

    @cached_property
    def num_pages(self) -> int:
        return min(math.ceil(max(self.count, 1) / self.per_page), MAX_PAGES)

    @property
    def shown(self) -> int:
        """How many results the pages reach."""
        return min(self.count, MAX_PAGES * self.per_page)

    @property
    def capped(self) -> bool:
        return self.count > self.shown


class ResultRows:
    """A search's results as the paginator reads them: a count, and a page of rows (see `cards`) at a time."""

    def __init__(self, search: ClinicFilter) -> None:
        self.search = search

    def __getitem__(self, page: slice) -> list[Row]:
        return self.search.result_rows(page.start, page.stop)

    def count(self) -> int:
        return self.search.qs.count()


def results_page(request: HttpRequest, search: ClinicFilter, count: int | None = None) -> Page:
    """The requested page of the search's results as cards; 404 for a page that does not exist.

    The page is found by ids first (see `cards`). Give the `count` of results when it is already known,
    and the paginator does not count again.
    """
    paginator = CappedPaginator(ResultRows(search), CLINICS_PER_PAGE)
    if count is not None:
        paginator.count = count
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        raise Http404("No such page of clinics.") from None
    page.object_list = cards(list(page.object_list) if paginator.count else [])
    return page


# The query parameters the search page reads; any other makes it render for that request alone.
SEARCH_PARAMETERS = (*ClinicSearchForm.base_fields, *ClinicFilter.base_filters, "page")


def clinic_search(request: HttpRequest) -> HttpResponse:
    """The search page; it depends only on the query string and the listings, so it is cached.

    For members and URLs with other parameters, who get the rest of the page rendered for them, the
    body is cached apart, computed from the parameters it reads alone (a page cached whole needs no
    second copy of its body). Words in the keyword box that name a filter become that filter first,
    by a redirect, so the page (and its cache entry) is the one for the explicit search.
    """
    if (understood := _keywords_understood(request)) is not None:
        return redirect(f"{request.path}?{understood.urlencode()}")
    reading = reading_only(request, SEARCH_PARAMETERS)

    def body() -> dict:
        if shared_page(request, SEARCH_PARAMETERS):
            return _search_body(reading)
        return cached(url_key("search-page", reading), lambda: _search_body(reading))

    html = page_for_everyone(request, "clinics/search.html", body, parameters=SEARCH_PARAMETERS)
    return HttpResponse(compare.with_tray(request, html))


def _keywords_understood(request: HttpRequest) -> QueryDict | None:
    """`keywords.rewritten` for this query string, kept in this process: it runs before the page
    cache is read, and reading the words (with a query for city names) took longer than serving
    the cached page."""
    if not request.GET.get("q"):
        return None
    return cached(url_key("keywords", request), lambda: keywords.rewritten(request.GET), shared=False)


def _search_body(request: HttpRequest) -> dict:
    search = ClinicFilter(request.GET, queryset=Clinic.objects.published())
    page = results_page(request, search, count=search.result_count)
    # A search we could not read wholly finds nothing; the clinics nearest its place would be a guess.
    near_nothing = not page.object_list and search.location is not None and not search.unreadable
    nearest, telehealth = search.beyond_reach() if near_nothing else ([], [])
    search.mark_matching_offers([*page, *nearest])  # the nearest beyond reach meet the filters too
    context = {
        "search": search,
        "facets": search.facets(),
        "page": page,
        "chips": chips.chips(search, request.GET),
        "closest": [] if page.object_list else chips.closest_searches(search, request.GET),
        "nearest": nearest,
        "telehealth": telehealth,
        "csrf_token": CSRF_SLOT,  # the body is cached for everyone; each visitor's token is filled in later
    }
    return {
        "place": search.location.label if search.location else "",
        "page_number": page.number,
        "body": render_to_string("clinics/includes/search_body.html", context, request=request),
    }
