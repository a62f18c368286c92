from datetime import datetime

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from guides.models import Guide

FEED_LENGTH = 20


class LatestGuidesFeed(Feed):
    """An Atom feed of the newest published guides."""

    feed_type = Atom1Feed
    title = "Patient guides to ketamine therapy"
    subtitle = "Plain-language guides on ketamine treatments, costs, safety and what to expect."

    # Absolute URLs from SITE_URL, so entry ids stay the same whichever host name served the feed.
    def link(self) -> str:
        return settings.SITE_URL + reverse("guides:list")

    def feed_url(self) -> str:
        return settings.SITE_URL + reverse("guides:feed")

    def items(self) -> list[Guide]:
        return list(Guide.objects.published()[:FEED_LENGTH])

    def item_link(self, guide: Guide) -> str:
        return settings.SITE_URL + guide.get_absolute_url()

    def item_title(self, guide: Guide) -> str:
        return guide.title

    def item_description(self, guide: Guide) -> str:
        return guide.summary

    def item_author_name(self, guide: Guide) -> str:
        return guide.author_name

    def item_pubdate(self, guide: Guide) -> datetime:
        return guide.first_published_at or guide.publish_at

    def item_updateddate(self, guide: Guide) -> datetime:
        return guide.updated_at
