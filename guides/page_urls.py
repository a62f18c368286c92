"""The site's fixed pages at short addresses: /about/, /privacy/ and the others in SitePage.Slug."""

from django.urls import path

from guides import views
from guides.models import SitePage

app_name = "pages"
urlpatterns = [path(f"{slug}/", views.site_page, {"slug": slug}, name=slug) for slug in SitePage.Slug.values]
