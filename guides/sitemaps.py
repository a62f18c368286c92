from datetime import datetime

from clinics.sitemaps import SiteUrlSitemap
from guides.models import Guide, SitePage


class GuideSitemap(SiteUrlSitemap):
    """Published guides, for the site's sitemap.xml."""

    changefreq = "monthly"

    def items(self):
        return Guide.objects.published().order_by("pk")

    def lastmod(self, guide: Guide) -> datetime:
        return guide.updated_at


class SitePageSitemap(SiteUrlSitemap):
    """About, how we verify, the policies and contact, for the site's sitemap.xml."""

    changefreq = "yearly"

    def items(self):
        return SitePage.objects.order_by("pk")

    def lastmod(self, page: SitePage) -> datetime:
        return page.updated_at
