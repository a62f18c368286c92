from django.conf import settings
from django.http import HttpRequest

SITE_NAME = "Ketamine Clinic Directory"


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "INQUIRY_RETENTION_DAYS": settings.INQUIRY_RETENTION_DAYS,
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
    }
