"""The clinics app's models, in one module per feature."""

from clinics.models.contact import INQUIRY_MESSAGE_MAX_LENGTH, Inquiry, ListingReport
from clinics.models.freshness import (
    CLINIC_FACT_GROUPS,
    CONFIRMED_RECENTLY,
    FACT_GROUPS,
    Confirmation,
    ConfirmedBy,
    ConfirmedHow,
    FreshnessReminder,
)
from clinics.models.imports import ImportBatch, PossibleDuplicate
from clinics.models.listings import MONITORED_BY_PHYSICIAN_OR_CRNA, Clinic, MonitoredBy
from clinics.models.offers import ClinicTreatment, offers_with_details
from clinics.models.pageviews import ClinicPageViews
from clinics.models.photos import ClinicPhoto
from clinics.models.photos import _image_path as _image_path  # migration 0005 names clinics.models._image_path
from clinics.models.queue import ListingToCheck
from clinics.models.reference import (
    STATE_VALIDATOR,
    ZIP_VALIDATOR,
    Condition,
    InsuranceCarrier,
    Language,
    Place,
    TreatmentType,
)
from clinics.models.staff import INVITATION_MAX_AGE, ChangeRequest, Claim, Invitation, Membership

__all__ = [
    "CLINIC_FACT_GROUPS",
    "CONFIRMED_RECENTLY",
    "FACT_GROUPS",
    "INQUIRY_MESSAGE_MAX_LENGTH",
    "INVITATION_MAX_AGE",
    "MONITORED_BY_PHYSICIAN_OR_CRNA",
    "STATE_VALIDATOR",
    "ZIP_VALIDATOR",
    "Confirmation",
    "ConfirmedBy",
    "ConfirmedHow",
    "FreshnessReminder",
    "MonitoredBy",
    "ChangeRequest",
    "Claim",
    "Clinic",
    "ClinicPageViews",
    "ClinicPhoto",
    "ClinicTreatment",
    "Condition",
    "ImportBatch",
    "Inquiry",
    "InsuranceCarrier",
    "Invitation",
    "Language",
    "ListingReport",
    "ListingToCheck",
    "Membership",
    "Place",
    "PossibleDuplicate",
    "TreatmentType",
    "offers_with_details",
]
