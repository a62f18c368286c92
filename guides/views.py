import math
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, F, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from clinics.models import Clinic, Condition, TreatmentType
from clinics.places import Location
from directory.caching import GUIDES, LISTINGS, cached, page_for_everyone
from guides.forms import NEAR_MAX_LENGTH, NearForm, SpravatoSelfCheckForm
from guides.models import RELATED_GUIDES, Guide, SitePage, Topic

GUIDES_PER_PAGE = 12
RELATED_CLINICS = 6


def guide_list(request: HttpRequest, topic_slug: str | None = None) -> HttpResponse:
    """All published guides, newest first; on /guides/topic/<slug>/ only those about that topic."""

    def context() -> dict:
        topic = _topic_or_404(topic_slug) if topic_slug else None
        guides = Guide.objects.published()
        if topic:
            guides = guides.about(topic)
        paginator = Paginator(guides, GUIDES_PER_PAGE)
        try:
            page = paginator.page(request.GET.get("page", 1))
        except (PageNotAnInteger, EmptyPage):
            raise Http404("No such page of guides.") from None
        treatment_types, conditions = _topics_with_guides()
        return {"page": page, "topic": topic, "treatment_types": treatment_types, "conditions": conditions}

    return HttpResponse(
        page_for_everyone(
            request, "guides/guide_list.html", context, depends_on=(LISTINGS, GUIDES), parameters=("page",)
        )
    )


def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The guide, with clinics offering its treatments (nearest first given a place) and related guides.

    Staff who may view guides see drafts and scheduled guides too, as a preview; being signed in,
    they never get or fill the page cached for everyone.
    """

    def context() -> dict:
        guide = get_object_or_404(
            Guide.objects.viewable_by(request.user).prefetch_related("treatment_types", "conditions"), slug=slug
        )
        near_form = NearForm(request.GET)
        near = near_form.cleaned_data["near"] if near_form.is_valid() else None
        return {
            "guide": guide,
            "related_clinics": _related_clinics(guide, near),
            "related_guides": guide.related_guides()[:RELATED_GUIDES],
            "near_form": near_form,
            "near_query": request.GET.get("near", "")[:NEAR_MAX_LENGTH],
            "near": near,
            "structured_data": _structured_data(guide),
        }

    return HttpResponse(
        page_for_everyone(
            request, "guides/guide_detail.html", context, depends_on=(LISTINGS, GUIDES), parameters=("near",)
        )
    )


def _related_clinics(guide: Guide, near: Location | None) -> list[Clinic]:
    """The first related clinics (nearest first given a place), ready for their cards; choosing them reads
    most listings, so the chosen clinics are cached with what their cards show."""

    def choose() -> list[Clinic]:
        clinics = guide.related_clinics()
        if near:
            clinics = clinics.order_by(_squared_distance_from(near), "name")
        ids = list(clinics.values_list("pk", flat=True)[:RELATED_CLINICS])
        chosen = Clinic.objects.filter(pk__in=ids).for_cards()
        return sorted(chosen, key=lambda clinic: ids.index(clinic.pk))

    # The order depends on the point alone, so every spelling of a place ("Austin, TX", "austin tx")
    # shares one entry; repr() keeps every digit of the coordinates, so different points never share one.
    point = f"{near.latitude!r},{near.longitude!r}" if near else ""
    key = f"guide-related-clinics:{guide.pk}:{point}"
    return cached(key, choose, depends_on=(LISTINGS, GUIDES))


@require_http_methods(["GET", "POST"])
@never_cache
@sensitive_post_parameters()
def spravato_self_check(request: HttpRequest) -> HttpResponse:
    """The questions a prescriber asks before Spravato, answered privately.

    The answers come by POST (never in a URL, so never in a server log or the browser history), are
    read once to write the page, and are neither stored nor logged; the page is never cached, and error
    reports leave the answers out.
    """
    form = SpravatoSelfCheckForm(request.POST if request.method == "POST" else None)
    context = {"form": form}
    if form.is_valid():
        context["points_for_a_doctor"] = form.points_for_a_doctor()
        context["before_you_start"] = form.before_you_start()
        context["centers_url"] = _spravato_centers_url(form.cleaned_data["where"], form.cleaned_data["insurance"])
        context["carrier_name"] = dict(form.fields["insurance"].choices).get(form.cleaned_data["insurance"])
    return render(request, "guides/spravato_self_check.html", context)


def _spravato_centers_url(where: str, insurance: str) -> str:
    """The clinic search for Spravato centers, near `where` and billing the carrier `insurance` when given."""
    search = {"treatment": "spravato", "insurance": insurance, "where": where.strip()}
    return f"{reverse('clinics:list')}?{urlencode({key: value for key, value in search.items() if value})}"


def _structured_data(guide: Guide) -> dict:
    """schema.org MedicalWebPage for search engines: who wrote and reviewed the guide, and when."""
    url = settings.SITE_URL + guide.get_absolute_url()
    data = {
        "@context": "https://schema.org",
        "@type": "MedicalWebPage",
        "@id": url,
        "url": url,
        "headline": guide.title,
        "name": guide.title,
        "description": guide.summary,
        "author": {"@type": "Person", "name": guide.author_name, "honorificSuffix": guide.author_credentials},
        "reviewedBy": {"@type": "Person", "name": guide.reviewer_name, "honorificSuffix": guide.reviewer_credentials},
        "datePublished": guide.first_published_at,
        "dateModified": guide.updated_at,
        "about": [{"@type": "Thing", "name": topic.name} for topic in guide.topics()],
    }
    if guide.reviewed_on:
        data["lastReviewed"] = guide.reviewed_on
    if guide.hero_image:
        data["image"] = settings.SITE_URL + guide.hero_image.url
    return data


def _topic_or_404(slug: str) -> Topic:
    """A treatment type or, failing that, a condition with this slug."""
    topic = TreatmentType.objects.filter(slug=slug).first() or Condition.objects.filter(slug=slug).first()
    if topic is None:
        raise Http404("No such topic.")
    return topic


def _topics_with_guides() -> tuple[list[TreatmentType], list[Condition]]:
    """Treatment types and conditions that have published guides, each with its `guide_count`."""
    live = Q(guides__status=Guide.Status.PUBLISHED, guides__publish_at__lte=timezone.now())
    # Aggregating queries ignore Meta.ordering, so the order is spelled out.
    treatment_types = (
        TreatmentType.objects.annotate(guide_count=Count("guides", filter=live))
        .filter(guide_count__gt=0)
        .order_by("position", "name")
    )
    conditions = (
        Condition.objects.annotate(guide_count=Count("guides", filter=live))
        .filter(guide_count__gt=0)
        .order_by("group", "name")
    )
    return list(treatment_types), list(conditions)


def _squared_distance_from(place: Location):
    """An expression that orders clinics by distance from `place`; good enough for nearest-first."""
    east_west_scale = math.cos(math.radians(place.latitude))
    north_south = F("latitude") - place.latitude
    east_west = (F("longitude") - place.longitude) * east_west_scale
    return north_south * north_south + east_west * east_west


def site_page(request: HttpRequest, slug: str) -> HttpResponse:
    """About, privacy, terms and the other fixed pages, with the text editors keep in the admin."""
    page = get_object_or_404(SitePage, slug=slug)
    return render(request, "guides/site_page.html", {"page": page, "body": page.render()})
