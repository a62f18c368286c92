"""Forms for clinic staff: the listing and its treatments (editing and new clinics), claims, invitations,
reminders. The edit page's signed base and its images are in clinics/staff/edit_forms.py."""

from typing import Any

from django import forms

from clinics.models import (
    Claim,
    Clinic,
    ClinicTreatment,
    Condition,
    InsuranceCarrier,
    Language,
    Place,
    TreatmentType,
)
from clinics.staff.changes import RELATED_FIELDS, SCALAR_FIELDS


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
        """The cleaned values as a snapshot (see clinics.staff.changes); call after is_valid()."""
        values = {name: self.cleaned_data[name] for name in SCALAR_FIELDS}
        values["latitude"], values["longitude"] = self.place.latitude, self.place.longitude
        for name in RELATED_FIELDS:
            values[name] = sorted(item.pk for item in self.cleaned_data[name])
        return values


def listing_initial(snapshot: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in snapshot.items() if name in SCALAR_FIELDS or name in RELATED_FIELDS}


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


class ReminderSettingsForm(forms.Form):
    freshness_reminders = forms.BooleanField(
        required=False, label="E-mail me when this listing's prices, hours or availability need confirming"
    )
