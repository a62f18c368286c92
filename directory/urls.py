from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.generic import TemplateView

from clinics.sitemaps import SITEMAPS as CLINIC_SITEMAPS
from clinics.views import landing as landing_views
from clinics.views import public as public_views
from directory.media import serve_media
from guides.sitemaps import GuideSitemap, SitePageSitemap

SITEMAPS = {**CLINIC_SITEMAPS, "guides": GuideSitemap, "pages": SitePageSitemap}

# Editors sign in where everyone does, so e-mail verification, rate limits and two-step sign-in
# apply to the admin too; its own username-and-password form would bypass them.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", public_views.home, name="home"),
    path("healthz", public_views.healthz, name="healthz"),
    path("clinics/", include("clinics.urls")),
    path("guides/", include("guides.urls")),
    path("", include("guides.page_urls")),
    path("treatments/<slug:slug>/", landing_views.treatment_clinics, name="treatment_clinics"),
    path("conditions/<slug:slug>/", landing_views.condition_clinics, name="condition_clinics"),
    path(
        "sitemap.xml",
        sitemap_views.index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap_views.sitemap, {"sitemaps": SITEMAPS}, name="sitemap_section"),
    path("robots.txt", TemplateView.as_view(template_name="robots.txt", content_type="text/plain"), name="robots"),
    path("accounts/", include("allauth.urls")),
    path("", include("clinics.staff.urls")),
    path("admin/", admin.site.urls),
    # Uploads, with DEBUG on or off, each only to whom it may be shown (directory/media.py). With
    # object storage (MEDIA_STORAGE) pages link to the storage's own signed URLs instead.
    re_path(rf"^{settings.MEDIA_URL.strip('/')}/(?P<path>.+)$", serve_media, name="media"),
]
handler500 = "directory.views.server_error"
