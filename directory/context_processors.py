from django.conf import settings
from django.http import HttpRequest

SITE_NAME = "Ketamine Clinic Directory"


def site(request: HttpRequest) -> dict:
    return {
        "SITE_NAME": SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "INQUIRY_RETENTION_DAYS": settings.INQUIRY_RETENTION_DAYS,
    }
