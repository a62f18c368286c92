from datetime import datetime

from django.contrib.sitemaps import Sitemap

from guides.models import Guide


class GuideSitemap(Sitemap):
    """Published guides, for the site's sitemap.xml (wired up with the other sections in directory/urls.py)."""

    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().order_by("pk")

    def lastmod(self, guide: Guide) -> datetime:
        return guide.updated_at
