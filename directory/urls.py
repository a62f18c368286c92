from django.contrib import admin
from django.urls import include, path

from clinics.views import public as public_views

urlpatterns = [
    path("", public_views.home, name="home"),
    path("healthz", public_views.healthz, name="healthz"),
    path("clinics/", include("clinics.urls")),
    path("accounts/", include("allauth.urls")),
    path("", include("clinics.owner_urls")),
    path("admin/", admin.site.urls),
]
