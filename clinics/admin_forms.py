"""Forms of the editors' admin: spreadsheet imports, one treatment offer, review reasons, confirming facts."""

from django import forms

from clinics.models import FACT_GROUPS, ClinicTreatment, ConfirmedHow
from clinics.spreadsheets import MAX_IMPORT_BYTES
from clinics.staff.changes import TREATMENT_FIELDS
from clinics.staff.forms import SELF_PAY_WITH_CARRIERS


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
