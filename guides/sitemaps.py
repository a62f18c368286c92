from datetime import datetime

from clinics.sitemaps import SiteUrlSitemap
from guides.models import Guide


class GuideSitemap(SiteUrlSitemap):
    """Published guides, for the site's sitemap.xml."""

    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().order_by("pk")

    def lastmod(self, guide: Guide) -> datetime:
        return guide.updated_at
