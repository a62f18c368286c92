"""The editors' verification queue: listings as the admin lists them for checking, stalest first."""

from clinics.models.listings import Clinic


class ListingToCheck(Clinic):
    """A listing seen from the verification queue (clinics/admin/review.py); same table as Clinic."""

    class Meta:
        proxy = True
        verbose_name = "listing to check"
        verbose_name_plural = "verification queue"
