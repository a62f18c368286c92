"""Plain helpers for clinic-staff tests: members, editors, verified addresses, listing form data."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group

from clinics.models import Clinic, Membership, Place, TreatmentType
from clinics.staff.changes import clinic_snapshot
from clinics.staff.edit_forms import EditBaseForm
from tests.factories import make_user


def make_place(**overrides) -> Place:
    fields = {"zip_code": "78701", "city": "Austin", "state": "TX", "latitude": 30.2713, "longitude": -97.7426}
    fields.update(overrides)
    place, _ = Place.objects.get_or_create(zip_code=fields.pop("zip_code"), defaults=fields)
    return place


def make_verified_user(**overrides):
    """A user whose e-mail address is verified, as after allauth's sign-up and confirmation."""
    user = make_user(**overrides)
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return user


def make_member(clinic: Clinic, role: str = Membership.Role.OWNER, **overrides):
    user = make_verified_user(**overrides)
    Membership.objects.create(clinic=clinic, user=user, role=role)
    return user


def make_editor(**overrides):
    """Staff in the "Editors" group, which a migration gives what the review queue needs.

    Their address is verified: editors sign in at /accounts/login/ like everyone.
    """
    user = make_verified_user(is_staff=True, **overrides)
    user.groups.add(Group.objects.get(name="Editors"))
    return user


def listing_post_data(clinic: Clinic | None = None, **changes) -> dict:
    """The edit form's POST data as the member first sees it, with `changes` applied.

    `treatments` maps treatment slugs to (min, max) prices; other keys are listing fields.
    """
    snapshot = clinic_snapshot(clinic) if clinic else {"treatments": []}
    data: dict = {}
    if clinic:
        data["base"] = EditBaseForm.sign(clinic, snapshot)
        for name, value in snapshot.items():
            if name in ("latitude", "longitude", "treatments", "logo"):
                continue
            if name == "photos":
                data["keep_photos"] = value
                continue
            if value is None:  # an empty number field is sent empty
                data[name] = ""
                continue
            if isinstance(value, bool):
                if value:
                    data[name] = "on"
            else:
                data[name] = value
    offers = {offer["treatment_type"]: offer for offer in snapshot["treatments"]}
    treatments = changes.pop("treatments", None)
    for name, value in changes.items():
        if value is False:
            data.pop(name, None)
        elif value is True:
            data[name] = "on"
        else:
            data[name] = value
    types = list(TreatmentType.objects.all())
    data.update({"treatments-TOTAL_FORMS": len(types), "treatments-INITIAL_FORMS": len(types)})
    for i, treatment_type in enumerate(types):
        prefix = f"treatments-{i}-"
        data[prefix + "treatment_type"] = treatment_type.pk
        offer = offers.get(treatment_type.pk)
        if treatments is not None:
            price = treatments.get(treatment_type.slug)
            offer = price and {"price_min": price[0], "price_max": price[1], "bills_insurance": False, "notes": ""}
        if offer:
            data[prefix + "offered"] = "on"
            data[prefix + "price_min"] = offer["price_min"]
            data[prefix + "price_max"] = offer["price_max"]
            data[prefix + "price_unit"] = offer.get("price_unit", "session")
            data[prefix + "course_sessions"] = offer.get("course_sessions") or ""
            data[prefix + "notes"] = offer["notes"]
            if offer.get("carriers"):
                data[prefix + "carriers"] = offer["carriers"]
            if offer["bills_insurance"]:
                data[prefix + "bills_insurance"] = "on"
    return data
