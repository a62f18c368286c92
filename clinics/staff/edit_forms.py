"""The listing edit page's forms: the signed listing the member started from, the logo and photos,
and `ListingEdit`, which binds them with the listing form and its treatments for the view."""

from typing import Any

from django import forms
from django.core import signing
from django.utils.datastructures import MultiValueDict
from django.utils.dateparse import parse_datetime

from clinics.images import Renditions, process_upload
from clinics.models import Clinic, ClinicPhoto
from clinics.staff.changes import clinic_snapshot, conflicting_fields, describe_changes
from clinics.staff.forms import BaseTreatmentFormSet, ListingForm, listing_initial, treatment_formset
from directory.images import MAX_UPLOAD_BYTES

BASE_SALT = "clinics.edit-base"
BASE_MAX_AGE = 60 * 60 * 24  # an edit form left open for more than a day starts again


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


OUT_OF_DATE = (
    "This form was out of date, so the listing may have changed since you opened it. Your values are "
    "kept below; check them against the public page and submit again."
)
CONFLICT = (
    "Someone else's change was published while you were editing. The fields listed below "
    "changed underneath yours; check them and submit again to keep your values."
)


class ListingEdit:
    """What the edit page binds: the signed base, the listing form, its treatments and its images.

    The member's values are bound over the listing as they first saw it (the signed base). When
    that base no longer verifies, or someone else's published change moved the same fields since,
    the page starts again from the listing as it is now, keeping what the member typed; `problem`
    says which, and `conflicts` lists the fields that moved.
    """

    def __init__(self, clinic: Clinic, data=None, files=None):
        self.clinic, self.files = clinic, files or MultiValueDict()
        self.current = clinic_snapshot(clinic)
        self.problem = ""
        self.conflicts = []
        self.base_form = EditBaseForm(data, initial={"base": EditBaseForm.sign(clinic, self.current)})
        if data is not None and self.base_form.is_valid():
            self.base = self.base_form.cleaned_data["base"]["snapshot"]
            self.base_version = self.base_form.cleaned_data["base"]["version"]
        else:
            self.base, self.base_version = self.current, clinic.updated_at
        self.form = ListingForm(data, initial=listing_initial(self.base))
        self.formset: BaseTreatmentFormSet = treatment_formset(data, self.base)
        self.photos_form = PhotosForm(data, files, clinic=clinic, snapshot=self.base)
        if data is not None and not self.base_form.is_valid():
            self._start_again(OUT_OF_DATE)

    def _start_again(self, problem: str) -> None:
        """Offer the listing as it is now as the new base; images cannot be kept, the rest can."""
        self.problem = problem
        self.base_form = EditBaseForm(initial={"base": EditBaseForm.sign(self.clinic, self.current)})
        self.photos_form = PhotosForm(clinic=self.clinic, snapshot=self.current)

    def is_valid(self) -> bool:
        """Every form is valid and nobody else changed the same fields since; sets `proposed`."""
        if not self.base_form.is_bound:
            return False
        if not (self.form.is_valid() and self.formset.is_valid() and self.photos_form.is_valid()):
            return False
        self.proposed = {**self.form.proposal(), "treatments": self.formset.proposal(), **self.photos_form.proposal()}
        if conflicting_fields(self.base, self.proposed, self.current):
            rows = describe_changes(self.base, self.proposed, self.current)
            self.conflicts = [row for row in rows if row.conflict]
            self._start_again(CONFLICT)
            return False
        return True

    def refuse(self, error: forms.ValidationError) -> None:
        """Show why the change was not saved; when only images changed and they failed, their errors say it."""
        self.photos_form.refuse_failed_uploads()
        if not (error.code == "unchanged" and self.photos_form.failed_uploads):
            self.form.add_error(None, error)

    def dropped_images(self) -> list[str]:
        """Images chosen in a form that comes back unsent: a browser cannot fill a file input again.

        Those that could not be used at all are left out: their own error says why.
        """
        failed = {message.partition(": ")[0] for _, message in getattr(self.photos_form, "failed_uploads", [])}
        return [
            upload.name
            for field in ("logo", "new_photos")
            for upload in self.files.getlist(field)
            if upload.name not in failed
        ]

    def context(self) -> dict[str, Any]:
        """The edit page's template context."""
        return {
            "clinic": self.clinic,
            "form": self.form,
            "formset": self.formset,
            "base_form": self.base_form,
            "photos_form": self.photos_form,
            "conflicts": self.conflicts,
            "dropped_images": self.dropped_images(),
        }
