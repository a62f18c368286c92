"""A listing's changes as its members make them: edits, a new clinic, "still right", and the changes waiting."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinics.models import ChangeRequest, Clinic, ClinicPhoto
from clinics.staff.changes import clinic_snapshot, describe_changes, new_photo_ids
from clinics.staff.edit_forms import ListingEdit, PhotosForm
from clinics.staff.forms import DuplicateConfirmForm, ListingForm, treatment_formset
from clinics.staff.services import listings as services
from directory.middleware import request_body_limit


@login_required
@request_body_limit(PhotosForm.MAX_REQUEST_BYTES)
def clinic_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Propose changes to the listing; they wait for an editor and the public page stays as it is."""
    clinic = get_object_or_404(Clinic.objects.editable_by(request.user), slug=slug)
    mine = clinic.change_requests.pending().filter(proposed_by=request.user).first()
    if mine:
        messages.info(request, "You already have changes waiting for review. Withdraw them to start again.")
        return redirect(mine)
    posted = request.method == "POST"  # an empty POST too: it comes back as out of date
    edit = ListingEdit(clinic, request.POST if posted else None, request.FILES if posted else None)
    if edit.is_valid():
        try:
            change = services.change_request_submit(
                clinic=clinic,
                user=request.user,
                proposed=edit.proposed,
                base=edit.base,
                base_version=edit.base_version,
                uploads=edit.photos_form.uploads(),
            )
        except ValidationError as error:
            edit.refuse(error)
        else:
            messages.success(request, "Thank you. Your changes are pending review by an editor.")
            if edit.photos_form.failed_uploads:
                messages.warning(request, _failed_uploads_message(edit.photos_form.failed_uploads))
            return redirect(change)
    if edit.problem:
        messages.error(request, edit.problem)
    return render(request, "clinics/owner/listing_form.html", edit.context())


def _failed_uploads_message(failed: list[tuple[str, str]]) -> str:
    files = " ".join(message for _, message in failed)
    return (
        f"Your other changes were saved, but {'this image' if len(failed) == 1 else 'these images'} could not be "
        f"used: {files} Upload a working copy with your next change, or withdraw this one and send it again."
    )


@login_required
def clinic_submit(request: HttpRequest) -> HttpResponse:
    """A new clinic, saved as a draft that an editor reviews before it is published."""
    form = ListingForm(request.POST or None)
    formset = treatment_formset(request.POST or None, {})
    confirm_form = DuplicateConfirmForm(request.POST or None)
    duplicates = []
    if request.method == "POST" and form.is_valid() and formset.is_valid() and confirm_form.is_valid():
        name, city = form.cleaned_data["name"], form.cleaned_data["city"]
        already_sent = ChangeRequest.objects.pending().new_listings_sent(request.user, name=name, city=city).first()
        if already_sent:  # a double submit, or the same clinic sent twice
            messages.info(request, "You have already submitted this clinic; it is waiting for review.")
            return redirect(already_sent)
        try:
            change = services.clinic_submit(
                user=request.user,
                proposed={**form.proposal(), "treatments": formset.proposal()},
                not_a_duplicate=confirm_form.cleaned_data["not_a_duplicate"],
            )
        except services.SimilarClinics as similar:
            duplicates = similar.clinics
        else:
            messages.success(request, "Thank you. Your clinic is saved as a draft and is pending review by an editor.")
            return redirect(change)
    return render(
        request,
        "clinics/owner/listing_form.html",
        {"clinic": None, "form": form, "formset": formset, "duplicates": duplicates, "confirm_form": confirm_form},
    )


@login_required
def change_detail(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    change = get_object_or_404(
        ChangeRequest.objects.visible_to(request.user).select_related("clinic", "proposed_by", "reviewed_by"),
        clinic__slug=slug,
        pk=pk,
    )
    is_new = change.kind == ChangeRequest.Kind.NEW_LISTING
    current = clinic_snapshot(change.clinic) if change.status == ChangeRequest.Status.PENDING and not is_new else None
    rows = describe_changes({} if is_new else change.base, change.proposed, current)
    new_photos = ClinicPhoto.objects.filter(clinic=change.clinic, pk__in=new_photo_ids(change.base, change.proposed))
    return render(
        request,
        "clinics/owner/change_detail.html",
        {
            "change": change,
            "clinic": change.clinic,
            "rows": rows,
            "new_photos": new_photos,
            "has_conflicts": any(row.conflict for row in rows),
            "can_withdraw": change.status == ChangeRequest.Status.PENDING and change.proposed_by_id == request.user.pk,
        },
    )


@login_required
@require_POST
def clinic_confirm(request: HttpRequest, slug: str) -> HttpResponse:
    """'These details are still right': asks an editor to re-verify the listing as it is."""
    clinic = get_object_or_404(Clinic.objects.editable_by(request.user), slug=slug)
    current = clinic_snapshot(clinic)
    try:
        change = services.change_request_submit(
            clinic=clinic,
            user=request.user,
            proposed=current,
            base=current,
            base_version=clinic.updated_at,
            kind=ChangeRequest.Kind.CONFIRMATION,
        )
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect("owner:clinic", slug=clinic.slug)
    messages.success(request, "Thank you. An editor will check the listing and mark it verified.")
    return redirect(change)


@login_required
@require_POST
def change_withdraw(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    change = get_object_or_404(
        ChangeRequest.objects.visible_to(request.user).filter(proposed_by=request.user), clinic__slug=slug, pk=pk
    )
    try:
        services.change_request_withdraw(change=change)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, "Your changes were withdrawn. The listing stays as it is.")
    return redirect(change)
