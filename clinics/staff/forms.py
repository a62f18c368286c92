"""Forms for clinic staff: the listing form (editing and new clinics), treatments, claims, invitations."""

import uuid
from typing import Any

from django import forms
from django.core import signing
from django.utils.dateparse import parse_datetime

from clinics.changes import RELATED_FIELDS, SCALAR_FIELDS, TREATMENT_FIELDS
from clinics.images import Renditions, process_upload
from clinics.models import (
    FACT_GROUPS,
    Claim,
    Clinic,
    ClinicPhoto,
    ClinicTreatment,
    Condition,
    ConfirmedHow,
    Inquiry,
    InsuranceCarrier,
    Language,
    ListingReport,
    Place,
    TreatmentType,
)
from clinics.spreadsheets import MAX_IMPORT_BYTES
from directory.images import MAX_UPLOAD_BYTES

BASE_SALT = "clinics.edit-base"
BASE_MAX_AGE = 60 * 60 * 24  # an edit form left open for more than a day starts again


class ListingForm(forms.ModelForm):
    """Every listing field a member may propose; status, slug and verification are not among them."""

    conditions = forms.ModelMultipleChoiceField(
        Condition.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Conditions treated"
    )
    languages = forms.ModelMultipleChoiceField(
        Language.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Languages spoken"
    )
    website = forms.URLField(required=False, max_length=200, assume_scheme="https")

    class Meta:
        model = Clinic
        fields = SCALAR_FIELDS
        labels = {
            "zip_code": "ZIP code",
            "email": "Public e-mail address",
            "medical_director_credentials": "Medical director's credentials",
            "first_visit": "What a first visit looks like",
            "offers_telehealth": "Offers telehealth or at-home treatment",
            "offers_integration_therapy": "Offers integration therapy (KAP)",
            "offers_financing": "Offers financing or payment plans",
            "offers_sliding_scale": "Offers a sliding scale",
            "offers_superbill": "Gives superbills for out-of-network reimbursement",
            "refers_to_clinical_trials": "Can point patients to clinical trials",
            "spravato_rems_certified": "The center is certified under the Spravato REMS program",
            "session_monitored_by": "Who watches patients during a session",
            "observation_minutes": "Usual observation time after a session, in minutes",
        }
        help_texts = {
            "session_monitored_by": "The most highly trained person who stays with patients during a session.",
            "observation_minutes": "How long patients usually stay to be watched before going home.",
        }
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "hours": forms.Textarea(attrs={"rows": 4}),
            "first_visit": forms.Textarea(attrs={"rows": 4}),
            "state": forms.TextInput(attrs={"autocomplete": "address-level1", "size": 2}),
            "zip_code": forms.TextInput(attrs={"autocomplete": "postal-code", "inputmode": "numeric"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
            "city": forms.TextInput(attrs={"autocomplete": "address-level2"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
        }

    def clean_state(self) -> str:
        return self.cleaned_data["state"].strip().upper()

    def clean(self) -> dict:
        cleaned = super().clean()
        zip_code, state = cleaned.get("zip_code"), cleaned.get("state")
        if zip_code and state:
            place = Place.objects.filter(zip_code=zip_code).first()
            if place is None:
                self.add_error("zip_code", "We do not know this ZIP code. Check it, or write to us.")
            elif place.state != state:
                self.add_error("zip_code", f"ZIP code {zip_code} is in {place.state}, not {state}.")
            else:
                self.place = place
        return cleaned

    def _post_clean(self) -> None:
        """Validate the fields as the model would, on a throwaway instance: nothing is saved here."""
        self.instance = Clinic(latitude=0, longitude=0, slug="unsaved")
        super()._post_clean()

    def proposal(self) -> dict[str, Any]:
        """The cleaned values as a snapshot (see clinics.changes); call after is_valid()."""
        values = {name: self.cleaned_data[name] for name in SCALAR_FIELDS}
        values["latitude"], values["longitude"] = self.place.latitude, self.place.longitude
        for name in RELATED_FIELDS:
            values[name] = sorted(item.pk for item in self.cleaned_data[name])
        return values


def listing_initial(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in snapshot.items() if name in SCALAR_FIELDS or name in RELATED_FIELDS}


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None) -> list:
        files = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in files if item]


class PhotoChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, photo: ClinicPhoto) -> str:
        return f"Keep photo #{photo.pk}"


class PhotosForm(forms.Form):
    """The logo and up to eight photos: uploads are checked and re-encoded here, published on approval."""

    # The largest edit: a new logo and eight photos at the size limit, with the rest of the form.
    MAX_REQUEST_BYTES = (1 + ClinicPhoto.MAX_PHOTOS) * MAX_UPLOAD_BYTES + 1024 * 1024

    logo = forms.FileField(
        required=False, label="New logo", help_text="JPEG, PNG or WebP, up to 10 MB.", widget=forms.FileInput
    )
    remove_logo = forms.BooleanField(required=False, label="Remove the current logo")
    keep_photos = PhotoChoiceField(
        ClinicPhoto.objects.none(), required=False, widget=forms.CheckboxSelectMultiple, label="Current photos"
    )
    new_photos = MultipleFileField(
        required=False,
        label="Add photos",
        help_text=f"Up to {ClinicPhoto.MAX_PHOTOS} photos in all; JPEG, PNG or WebP, up to 10 MB each.",
    )

    def __init__(self, *args, clinic: Clinic, snapshot: dict[str, Any], **kwargs):
        super().__init__(*args, initial={"keep_photos": snapshot.get("photos", [])}, **kwargs)
        self.snapshot = snapshot
        self.fields["keep_photos"].queryset = ClinicPhoto.objects.filter(
            clinic=clinic, pk__in=snapshot.get("photos", [])
        )
        self.current_logo = ClinicPhoto.objects.filter(clinic=clinic, pk=snapshot.get("logo")).first()

    def clean_logo(self) -> Renditions | None:
        upload = self.cleaned_data.get("logo")
        return self._process("logo", upload) if upload else None

    def clean_new_photos(self) -> list[Renditions]:
        uploads = self.cleaned_data.get("new_photos") or []
        # Counted before anything is decoded: each picture can take a second or more to process.
        if len(self.cleaned_data.get("keep_photos") or []) + len(uploads) > ClinicPhoto.MAX_PHOTOS:
            raise forms.ValidationError(f"A listing can have at most {ClinicPhoto.MAX_PHOTOS} photos.")
        processed = (self._process("new_photos", upload) for upload in uploads)
        return [renditions for renditions in processed if renditions]

    def _process(self, field: str, upload) -> Renditions | None:
        """Re-encode one upload; one that fails is left out and named in `failed_uploads`.

        A picture that cannot be processed must not cost the member the rest of their change:
        the view saves everything else and tells them which file failed.
        """
        try:
            return process_upload(upload)
        except forms.ValidationError as error:
            self.failed_uploads.append((field, f"{upload.name}: {error.messages[0]}"))
            return None

    def full_clean(self) -> None:
        self.failed_uploads: list[tuple[str, str]] = []
        super().full_clean()

    def refuse_failed_uploads(self) -> None:
        """Show each failed upload as an error on its field (when there is nothing else to save)."""
        for field, message in self.failed_uploads:
            self.add_error(field, message)

    def proposal(self) -> dict[str, Any]:
        """The kept logo and photos; new uploads are added by the service that saves them."""
        logo = self.snapshot.get("logo")
        if self.cleaned_data["remove_logo"] or self.cleaned_data["logo"]:
            logo = None
        return {"logo": logo, "photos": sorted(photo.pk for photo in self.cleaned_data["keep_photos"])}

    def uploads(self) -> list[tuple[str, Renditions]]:
        new = [(ClinicPhoto.Kind.PHOTO, renditions) for renditions in self.cleaned_data["new_photos"]]
        if self.cleaned_data["logo"]:
            new.insert(0, (ClinicPhoto.Kind.LOGO, self.cleaned_data["logo"]))
        return new


SELF_PAY_WITH_CARRIERS = (
    "You chose insurance carriers for a treatment marked self-pay. Tick “We bill insurance for it”, "
    "or clear the carriers."
)


class TreatmentOfferForm(forms.Form):
    """One treatment type: offered or not, its self-pay price in its unit, and the carriers billed for it."""

    treatment_type = forms.ModelChoiceField(TreatmentType.objects.all(), widget=forms.HiddenInput)
    offered = forms.BooleanField(required=False)
    price_min = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="From ($)")
    price_max = forms.IntegerField(required=False, min_value=1, max_value=100_000, label="To ($)")
    price_unit = forms.ChoiceField(
        choices=ClinicTreatment.PriceUnit.choices, initial="session", required=False, label="Price is"
    )
    course_sessions = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        label="Sessions in your first course",
        help_text="Leave empty if you have no fixed course.",
    )
    bills_insurance = forms.BooleanField(required=False, label="We bill insurance for it")
    carriers = forms.ModelMultipleChoiceField(
        InsuranceCarrier.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Carriers we bill for it",
    )
    notes = forms.CharField(required=False, max_length=300, label="Note")

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("offered"):
            low, high = cleaned.get("price_min"), cleaned.get("price_max")
            if low is None:
                self.add_error("price_min", "Give the lowest self-pay price.")
            if high is None:
                self.add_error("price_max", "Give the highest self-pay price (the same if there is one).")
            if low and high and low > high:
                self.add_error("price_max", "The highest price cannot be below the lowest.")
            if cleaned.get("carriers") and not cleaned.get("bills_insurance"):
                self.add_error("carriers", SELF_PAY_WITH_CARRIERS)
        return cleaned


class OfferAdminForm(forms.ModelForm):
    """The admin's form for one offer: refuses carriers on a self-pay offer, as the staff form does."""

    class Meta:
        model = ClinicTreatment
        fields = TREATMENT_FIELDS

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("carriers") and not cleaned.get("bills_insurance"):
            self.add_error("carriers", SELF_PAY_WITH_CARRIERS)
        return cleaned


class BaseTreatmentFormSet(forms.BaseFormSet):
    def clean(self) -> None:
        if any(self.errors):
            return
        types = [form.cleaned_data["treatment_type"].pk for form in self.forms if form.cleaned_data]
        if len(types) != len(set(types)):
            raise forms.ValidationError("Each treatment may appear only once.")

    def proposal(self) -> list[dict[str, Any]]:
        offers = [
            {
                "treatment_type": form.cleaned_data["treatment_type"].pk,
                "price_min": form.cleaned_data["price_min"],
                "price_max": form.cleaned_data["price_max"],
                "price_unit": form.cleaned_data["price_unit"] or ClinicTreatment.PriceUnit.SESSION,
                "course_sessions": form.cleaned_data["course_sessions"],
                "bills_insurance": form.cleaned_data["bills_insurance"],
                "carriers": sorted(carrier.pk for carrier in form.cleaned_data["carriers"]),
                "notes": form.cleaned_data["notes"],
            }
            for form in self.forms
            if form.cleaned_data.get("offered")
        ]
        return sorted(offers, key=lambda offer: offer["treatment_type"])


TreatmentFormSet = forms.formset_factory(
    TreatmentOfferForm, formset=BaseTreatmentFormSet, extra=0, min_num=0, max_num=20, validate_max=True
)


def treatment_formset(data, snapshot: dict[str, Any]) -> BaseTreatmentFormSet:
    """One row per treatment type, filled from the snapshot's offers."""
    offers = {offer["treatment_type"]: offer for offer in snapshot.get("treatments", [])}
    types = list(TreatmentType.objects.all())
    initial = [{**offers.get(tt.pk, {}), "treatment_type": tt.pk, "offered": tt.pk in offers} for tt in types]
    formset = TreatmentFormSet(data, initial=initial, prefix="treatments")
    names = {treatment_type.pk: treatment_type.name for treatment_type in types}
    for form in formset.forms:
        form.treatment_name = names.get(form.initial.get("treatment_type"), "")
        form.fields["offered"].label = f"We offer {form.treatment_name or 'this treatment'}"
    return formset


class BaseField(forms.CharField):
    """The listing as the member first saw it, signed so it cannot be forged."""

    widget = forms.HiddenInput

    def clean(self, value):
        value = super().clean(value)
        try:
            data = signing.loads(value, salt=BASE_SALT, max_age=BASE_MAX_AGE)
        except signing.BadSignature:
            raise forms.ValidationError(
                "This form is out of date. Reload the page to start from the current listing."
            ) from None
        return {"snapshot": data["snapshot"], "version": parse_datetime(data["version"])}


class EditBaseForm(forms.Form):
    base = BaseField()

    @staticmethod
    def sign(clinic: Clinic, snapshot: dict[str, Any]) -> str:
        return signing.dumps(
            {"snapshot": snapshot, "version": clinic.updated_at.isoformat()}, salt=BASE_SALT, compress=True
        )


class DuplicateConfirmForm(forms.Form):
    not_a_duplicate = forms.BooleanField(required=False, label="This is a different clinic; submit it anyway")


class ClaimForm(forms.ModelForm):
    class Meta:
        model = Claim
        fields = ["note"]
        labels = {"note": "Your role at the clinic"}
        help_texts = {
            "note": "If we cannot confirm you by an e-mail address at the clinic's website domain, an editor "
            "reads this note. Say who you are and how we can check (e.g. a phone number at the clinic)."
        }
        widgets = {"note": forms.Textarea(attrs={"rows": 4, "maxlength": 1000})}


class FindClinicForm(forms.Form):
    """'Find your clinic': part of a published listing's name and, if that finds too many, its city."""

    name = forms.CharField(max_length=150, required=False, label="Clinic name, or part of it")
    city = forms.CharField(max_length=100, required=False, label="City (optional)")

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("name") and not cleaned.get("city"):
            raise forms.ValidationError("Give part of your clinic's name, its city, or both.")
        return cleaned


class InvitationForm(forms.Form):
    email = forms.EmailField(label="Colleague's e-mail address")


class ReviewReasonForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, help_text="Sent to the clinic.")


class FactConfirmForm(forms.Form):
    """An editor's "confirmed unchanged" for one fact group of a listing."""

    group = forms.ChoiceField(
        choices=[(key, group.label) for key, group in FACT_GROUPS.items()], widget=forms.HiddenInput
    )
    how = forms.ChoiceField(
        label="How",
        choices=[
            (ConfirmedHow.PHONE, "Phone call"),
            (ConfirmedHow.WEBSITE, "Clinic website"),
            (ConfirmedHow.CLINIC, "Clinic confirmed"),
        ],
    )
    note = forms.CharField(label="Note (optional)", max_length=60, required=False)


class ReminderSettingsForm(forms.Form):
    freshness_reminders = forms.BooleanField(
        required=False, label="E-mail me when this listing's prices, hours or availability need confirming"
    )


class InquiryForm(forms.ModelForm):
    """A patient's question; with neither e-mail nor phone, the model's constraint says what to give."""

    consent = forms.BooleanField(
        required=True,
        label="I agree that the directory stores this message and sends it, with my contact details, to this clinic.",
        error_messages={"required": "Please tick the box so we may pass your message to the clinic."},
    )
    # Honeypot: hidden from people by CSS and from screen readers; bots that fill every field reveal themselves.
    company = forms.CharField(required=False, label="Leave this field empty")
    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = Inquiry
        fields = ["name", "email", "phone", "message"]
        labels = {"name": "Your name", "email": "E-mail", "phone": "Phone", "message": "Your message"}
        help_texts = {
            "message": f"Up to {Inquiry.MESSAGE_MAX_LENGTH} characters. Please leave out details you would not "
            "want in an e-mail; the clinic can ask for them privately.",
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 5, "maxlength": Inquiry.MESSAGE_MAX_LENGTH}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("company"))


class ListingReportForm(forms.ModelForm):
    # Radios with no blank "---------" choice and none chosen for the visitor.
    part = forms.ChoiceField(choices=ListingReport.Part.choices, widget=forms.RadioSelect, label="What is wrong?")

    class Meta:
        model = ListingReport
        fields = ["part", "note", "reporter_email"]
        labels = {"note": "What should it say?", "reporter_email": "Your e-mail (optional)"}
        widgets = {
            "note": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        }


class ImportForm(forms.Form):
    """An editor's spreadsheet upload; the importer itself says what is wrong inside the file."""

    file = forms.FileField(
        label="CSV or JSON Lines file",
        help_text="UTF-8 CSV (as Excel's “CSV UTF-8” or Google Sheets save it) or .jsonl, up to 10 MB.",
    )
    source = forms.CharField(
        max_length=100,
        required=False,
        help_text="Where the rows come from (e.g. a partner's list), for rows without a source column.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; split it.")
        return upload
