from django.contrib import admin
from django.urls import include, path

from clinics.views import public as public_views

urlpatterns = [
    path("", public_views.home, name="home"),
    path("healthz", public_views.healthz, name="healthz"),
    path("clinics/", include("clinics.urls")),
    path("guides/", include("guides.urls")),
    path("favicon.ico", public_views.favicon),
    path("admin/", admin.site.urls),
]
