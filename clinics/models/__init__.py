"""The clinics app's models, in one module per feature."""

from clinics.models.contact import INQUIRY_MESSAGE_MAX_LENGTH, Inquiry, ListingReport
from clinics.models.imports import ImportBatch, PossibleDuplicate
from clinics.models.listings import (
    STATE_VALIDATOR,
    VERIFIED_FRESH_FOR,
    ZIP_VALIDATOR,
    Clinic,
    ClinicPageViews,
    ClinicPhoto,
    ClinicTreatment,
    Condition,
    InsuranceCarrier,
    Language,
    Place,
    TreatmentType,
    offers_with_details,
)
from clinics.models.listings import _image_path as _image_path  # migration 0005 names clinics.models._image_path
from clinics.models.staff import INVITATION_MAX_AGE, ChangeRequest, Claim, Invitation, Membership

__all__ = [
    "INQUIRY_MESSAGE_MAX_LENGTH",
    "INVITATION_MAX_AGE",
    "STATE_VALIDATOR",
    "VERIFIED_FRESH_FOR",
    "ZIP_VALIDATOR",
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
    "Membership",
    "Place",
    "PossibleDuplicate",
    "TreatmentType",
    "offers_with_details",
]
