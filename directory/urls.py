from django.conf import settings
from django.conf.urls.static import static
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
# Uploaded images in development; production serves MEDIA_URL from the configured storage.
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
