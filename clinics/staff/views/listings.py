"""Pages for clinic staff: dashboard, claims, new clinics, pending changes, members and invitations.

Access is part of every query: a clinic comes from `Clinic.objects.editable_by(request.user)`
(or `owned_by` for managing members and invitations), so a user who is not a member gets 404,
on GET and POST.
"""

import re
from datetime import timedelta
from difflib import SequenceMatcher

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Q, Sum
from django.db.models.functions import TruncMonth
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from clinics import freshness, services
from clinics.changes import Describer, clinic_snapshot, conflicting_fields, describe_changes, new_photo_ids
from clinics.forms import (
    ClaimForm,
    DuplicateConfirmForm,
    EditBaseForm,
    FindClinicForm,
    InvitationForm,
    ListingForm,
    PhotosForm,
    ReminderSettingsForm,
    listing_initial,
    treatment_formset,
)
from clinics.models import (
    ChangeRequest,
    Claim,
    Clinic,
    ClinicPageViews,
    ClinicPhoto,
    Inquiry,
    Invitation,
    Membership,
)
from directory.middleware import request_body_limit
from directory.ratelimit import allow

FIND_CLINIC_LIMIT = 20
GENERIC_WORDS = {"ketamine", "clinic", "clinics", "center", "centre", "wellness", "the", "of", "and", "llc", "inc"}


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    """The member's clinics with their status, pending changes, open claims and simple counts."""
    month_start = timezone.localdate().replace(day=1)
    last_month_start = (month_start - timedelta(days=1)).replace(day=1)
    clinics = (
        Clinic.objects.editable_by(request.user)
        .annotate(
            facts_due=Exists(Clinic.objects.with_facts_due().filter(pk=OuterRef("pk"))),
            pending_changes=Count(
                "change_requests", filter=Q(change_requests__status=ChangeRequest.Status.PENDING), distinct=True
            ),
            inquiries_this_month=Count(
                "inquiries", filter=Q(inquiries__created_at__date__gte=month_start), distinct=True
            ),
            inquiries_last_month=Count(
                "inquiries",
                filter=Q(
                    inquiries__created_at__date__gte=last_month_start, inquiries__created_at__date__lt=month_start
                ),
                distinct=True,
            ),
        )
        .order_by("name")
    )
    monthly_views = {
        (row["clinic"], row["month"]): row["total"]
        for row in ClinicPageViews.objects.filter(clinic__in=clinics.values("pk"), day__gte=last_month_start)
        .annotate(month=TruncMonth("day"))
        .values("clinic", "month")
        .annotate(total=Sum("views"))
    }
    memberships = {m.clinic_id: m for m in Membership.objects.filter(user=request.user)}
    clinics = list(clinics)
    for clinic in clinics:
        clinic.views_this_month = monthly_views.get((clinic.pk, month_start), 0)
        clinic.views_last_month = monthly_views.get((clinic.pk, last_month_start), 0)
        clinic.role = memberships[clinic.pk].get_role_display()
        clinic.reminder_form = ReminderSettingsForm(
            initial={"freshness_reminders": memberships[clinic.pk].freshness_reminders}
        )
    changes = (
        ChangeRequest.objects.visible_to(request.user)
        .select_related("clinic", "proposed_by")
        .filter(Q(status=ChangeRequest.Status.PENDING) | Q(reviewed_at__gte=timezone.now() - timedelta(days=30)))
        .order_by("-created_at")[:20]
    )
    claims = Claim.objects.filter(user=request.user).select_related("clinic").order_by("-created_at")[:10]
    inquiries = Inquiry.objects.visible_to(request.user).select_related("clinic").order_by("-created_at")
    return render(
        request,
        "clinics/owner/dashboard.html",
        {
            "clinics": clinics,
            "find_form": FindClinicForm(),
            "changes": changes,
            "claims": claims,
            "inquiries": inquiries[:5],
            "unread_inquiries": inquiries.filter(read_at__isnull=True).count(),
        },
    )


@login_required
def clinic_manage(request: HttpRequest, slug: str) -> HttpResponse:
    """One clinic for its members: pending changes, members and the history of published changes.

    Owners also see the invitations still waiting, which they may revoke.
    """
    clinic = get_object_or_404(Clinic.objects.editable_by(request.user), slug=slug)
    changes = list(clinic.change_requests.select_related("proposed_by", "reviewed_by").order_by("-created_at")[:50])
    approved = [change for change in changes if change.status == ChangeRequest.Status.APPROVED]
    describe = Describer(*[snapshot for change in approved for snapshot in (change.base, change.proposed)])
    history = [(change, describe_changes(change.base, change.proposed, describe=describe)) for change in approved]
    members = clinic.memberships.select_related("user").order_by("role", "created_at")
    is_owner = any(m.user_id == request.user.pk and m.role == Membership.Role.OWNER for m in members)
    return render(
        request,
        "clinics/owner/clinic_manage.html",
        {
            "clinic": clinic,
            "pending": [change for change in changes if change.status == ChangeRequest.Status.PENDING],
            "history": history,
            "members": members,
            "is_owner": is_owner,
            "invitations": clinic.invitations.open().select_related("invited_by") if is_owner else [],
        },
    )


@login_required
@request_body_limit(PhotosForm.MAX_REQUEST_BYTES)
def clinic_edit(request: HttpRequest, slug: str) -> HttpResponse:
    """Propose changes to the listing; they wait for an editor and the public page stays as it is."""
    clinic = get_object_or_404(Clinic.objects.editable_by(request.user), slug=slug)
    mine = clinic.change_requests.pending().filter(proposed_by=request.user).first()
    if mine:
        messages.info(request, "You already have changes waiting for review. Withdraw them to start again.")
        return redirect(mine)
    current = clinic_snapshot(clinic)
    base_form = EditBaseForm(request.POST or None, initial={"base": EditBaseForm.sign(clinic, current)})
    if request.method == "POST" and base_form.is_valid():
        base = base_form.cleaned_data["base"]
        form = ListingForm(request.POST, initial=listing_initial(base["snapshot"]))
        formset = treatment_formset(request.POST, base["snapshot"])
        photos_form = PhotosForm(request.POST, request.FILES, clinic=clinic, snapshot=base["snapshot"])
        if form.is_valid() and formset.is_valid() and photos_form.is_valid():
            proposed = {**form.proposal(), "treatments": formset.proposal(), **photos_form.proposal()}
            if conflicting_fields(base["snapshot"], proposed, current):
                messages.error(
                    request,
                    "Someone else's change was published while you were editing. The fields listed below "
                    "changed underneath yours; check them and submit again to keep your values.",
                )
                conflicts = [row for row in describe_changes(base["snapshot"], proposed, current) if row.conflict]
                fresh_base = EditBaseForm(initial={"base": EditBaseForm.sign(clinic, current)})
                fresh_photos = PhotosForm(clinic=clinic, snapshot=current)
                return _edit_page(request, clinic, form, formset, fresh_base, fresh_photos, conflicts=conflicts)
            try:
                change = services.change_request_submit(
                    clinic=clinic,
                    user=request.user,
                    proposed=proposed,
                    base=base["snapshot"],
                    base_version=base["version"],
                    uploads=photos_form.uploads(),
                )
            except ValidationError as error:
                photos_form.refuse_failed_uploads()
                if not (error.code == "unchanged" and photos_form.failed_uploads):  # failed images were the change
                    form.add_error(None, error)
            else:
                messages.success(request, "Thank you. Your changes are pending review by an editor.")
                if photos_form.failed_uploads:
                    messages.warning(request, _failed_uploads_message(photos_form.failed_uploads))
                return redirect(change)
        return _edit_page(request, clinic, form, formset, base_form, photos_form)
    if request.method == "POST":
        messages.error(
            request,
            "This form was out of date, so the listing may have changed since you opened it. Your values are "
            "kept below; check them against the public page and submit again.",
        )
        base_form = EditBaseForm(initial={"base": EditBaseForm.sign(clinic, current)})
        form = ListingForm(request.POST, initial=listing_initial(current))
        photos_form = PhotosForm(clinic=clinic, snapshot=current)
        return _edit_page(request, clinic, form, treatment_formset(request.POST, current), base_form, photos_form)
    form = ListingForm(initial=listing_initial(current))
    photos_form = PhotosForm(clinic=clinic, snapshot=current)
    return _edit_page(request, clinic, form, treatment_formset(None, current), base_form, photos_form)


def _failed_uploads_message(failed: list[tuple[str, str]]) -> str:
    files = " ".join(message for _, message in failed)
    return (
        f"Your other changes were saved, but {'this image' if len(failed) == 1 else 'these images'} could not be "
        f"used: {files} Upload a working copy with your next change, or withdraw this one and send it again."
    )


def _dropped_images(request: HttpRequest, photos_form: PhotosForm | None) -> list[str]:
    """Images chosen in a form that comes back unsent: a browser cannot fill a file input again.

    Those that could not be used at all are left out: their own error says why.
    """
    failed = {message.partition(": ")[0] for _, message in getattr(photos_form, "failed_uploads", [])}
    return [
        upload.name
        for field in ("logo", "new_photos")
        for upload in request.FILES.getlist(field)
        if upload.name not in failed
    ]


def _edit_page(
    request, clinic, form, formset, base_form, photos_form=None, conflicts=(), duplicates=(), confirm_form=None
):
    return render(
        request,
        "clinics/owner/listing_form.html",
        {
            "clinic": clinic,
            "form": form,
            "formset": formset,
            "base_form": base_form,
            "photos_form": photos_form,
            "conflicts": conflicts,
            "duplicates": duplicates,
            "confirm_form": confirm_form,
            "dropped_images": _dropped_images(request, photos_form),
        },
    )


def _normalised_name(name: str) -> str:
    words = re.findall(r"[a-z0-9]+", name.lower())
    return " ".join(word for word in words if word not in GENERIC_WORDS)


def similar_clinics(*, name: str, city: str, state: str) -> list[Clinic]:
    """Published clinics in the same city whose names look like this one."""
    wanted = _normalised_name(name)
    candidates = Clinic.objects.published().filter(state=state, city__iexact=city).only("name", "slug")[:500]
    return [
        clinic for clinic in candidates if SequenceMatcher(None, wanted, _normalised_name(clinic.name)).ratio() >= 0.8
    ]


@login_required
def clinic_submit(request: HttpRequest) -> HttpResponse:
    """A new clinic, saved as a draft that an editor reviews before it is published."""
    form = ListingForm(request.POST or None)
    formset = treatment_formset(request.POST or None, {})
    confirm_form = DuplicateConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and formset.is_valid() and confirm_form.is_valid():
        already_sent = (
            ChangeRequest.objects.pending()
            .filter(
                kind=ChangeRequest.Kind.NEW_LISTING,
                proposed_by=request.user,
                clinic__name__iexact=form.cleaned_data["name"],
                clinic__city__iexact=form.cleaned_data["city"],
            )
            .first()
        )
        if already_sent:  # a double submit, or the same clinic sent twice
            messages.info(request, "You have already submitted this clinic; it is waiting for review.")
            return redirect(already_sent)
        duplicates = similar_clinics(
            name=form.cleaned_data["name"], city=form.cleaned_data["city"], state=form.cleaned_data["state"]
        )
        if duplicates and not confirm_form.cleaned_data["not_a_duplicate"]:
            return _edit_page(request, None, form, formset, None, duplicates=duplicates, confirm_form=confirm_form)
        change = services.clinic_submit(
            user=request.user, proposed={**form.proposal(), "treatments": formset.proposal()}
        )
        messages.success(request, "Thank you. Your clinic is saved as a draft and is pending review by an editor.")
        return redirect(change)
    return _edit_page(request, None, form, formset, None)


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


@login_required
def clinic_find(request: HttpRequest) -> HttpResponse:
    """'Find your clinic': published listings by name and city, each leading to its claim page."""
    form = FindClinicForm(request.GET or None)
    clinics, more = [], False
    if form.is_valid():
        found = Clinic.objects.published().only("name", "slug", "street", "city", "state", "zip_code")
        if form.cleaned_data["name"]:
            found = found.filter(name__icontains=form.cleaned_data["name"])
        if form.cleaned_data["city"]:
            found = found.filter(city__iexact=form.cleaned_data["city"])
        clinics = list(found.order_by("name", "city", "pk")[: FIND_CLINIC_LIMIT + 1])
        clinics, more = clinics[:FIND_CLINIC_LIMIT], len(clinics) > FIND_CLINIC_LIMIT
        managed = set(
            Clinic.objects.editable_by(request.user).filter(pk__in=[c.pk for c in clinics]).values_list("pk", flat=True)
        )
        for clinic in clinics:
            clinic.managed = clinic.pk in managed
    return render(request, "clinics/owner/find_clinic.html", {"form": form, "clinics": clinics, "more": more})


@login_required
def claim_start(request: HttpRequest, slug: str) -> HttpResponse:
    """'Is this your clinic?': ask to manage a published listing."""
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    if Clinic.objects.editable_by(request.user).filter(pk=clinic.pk).exists():
        messages.info(request, "You already manage this clinic.")
        return redirect("owner:clinic", slug=clinic.slug)
    open_claim = Claim.objects.filter(clinic=clinic, user=request.user, status__in=Claim.OPEN).first()
    form = ClaimForm(request.POST or None)
    if request.method == "POST" and open_claim is None and form.is_valid():
        try:
            claim = services.claim_start(clinic=clinic, user=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            if claim.status == Claim.Status.APPROVED:
                messages.success(request, f"Confirmed by your address {claim.email}: you now manage {clinic.name}.")
                return redirect("owner:clinic", slug=clinic.slug)
            messages.success(request, "Thank you. An editor will review your claim and e-mail you.")
            return redirect("owner:dashboard")
    return render(
        request,
        "clinics/owner/claim_form.html",
        {
            "clinic": clinic,
            "form": form,
            "open_claim": open_claim,
            "domain": services.website_domain(clinic),
            "domain_address": services.claim_domain_address(clinic=clinic, user=request.user),
        },
    )


@login_required
@require_POST
def claim_resend(request: HttpRequest, slug: str) -> HttpResponse:
    """Send the claim's confirmation e-mail again: at most once a minute and five times a day per claim."""
    claim = get_object_or_404(
        Claim.objects.select_related("clinic", "user"),
        clinic__slug=slug,
        user=request.user,
        status=Claim.Status.AWAITING_EMAIL,
    )
    if not _allowed("claim-resend", str(claim.pk)):
        messages.error(
            request,
            "We sent it less than a minute ago. E-mail can take a few minutes to arrive, so please check your "
            "inbox and spam folder before asking again.",
        )
    elif not _allowed("claim-resend-day", str(claim.pk)):
        messages.error(
            request,
            "We have sent this e-mail as many times as we can today. Please check your spam folder, or ask "
            "again tomorrow.",
        )
    else:
        services.claim_resend(claim=claim)
        messages.success(request, f"We sent the confirmation link to {claim.email} again. It works for three days.")
    return redirect("owner:claim", slug=claim.clinic.slug)


def _allowed(scope: str, key: str) -> bool:
    """Count one attempt against the limit settings.RATE_LIMITS sets for `scope`."""
    limit, per_seconds = settings.RATE_LIMITS[scope]
    return allow(scope, key, limit=limit, per_seconds=per_seconds)


@login_required
def claim_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the claim e-mail: only the claimant, signed in, can use it."""
    claim_pk = services.claim_from_token(token)
    claim = get_object_or_404(
        Claim.objects.select_related("clinic"), pk=claim_pk, user=request.user, status=Claim.Status.AWAITING_EMAIL
    )
    if request.method == "POST":
        try:
            services.claim_confirm(claim=claim)
        except ValidationError as error:
            # A double click: the other POST confirmed the claim while this one waited for its row.
            claim.refresh_from_db(fields=["status"])
            if claim.status != Claim.Status.APPROVED:
                messages.error(request, error.messages[0])
                return redirect("owner:dashboard")
        messages.success(request, f"Confirmed: you now manage {claim.clinic.name}.")
        return redirect("owner:clinic", slug=claim.clinic.slug)
    return render(request, "clinics/owner/claim_confirm.html", {"claim": claim})


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite a colleague, or send a waiting invitation to the same address again."""
    clinic = get_object_or_404(Clinic.objects.owned_by(request.user), slug=slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not _allowed("invite-address", f"{clinic.pk}:{email}"):
            messages.error(request, f"We e-mailed {email} less than a minute ago. Please give it a few minutes.")
        elif not _allowed("invite-user", str(request.user.pk)):
            messages.error(request, "You have sent as many invitations as we can send in a day. Please try tomorrow.")
        else:
            services.membership_invite(clinic=clinic, inviter=request.user, email=email)
            messages.success(request, f"We e-mailed an invitation to {email}. The link works for seven days.")
    else:
        messages.error(request, "Enter a valid e-mail address to invite a colleague.")
    return redirect("owner:clinic", slug=clinic.slug)


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.owned_by(request.user), slug=slug)
    invitation = get_object_or_404(clinic.invitations, pk=pk)
    try:
        services.invitation_revoke(invitation=invitation)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"The invitation to {invitation.email} is withdrawn; its link no longer works.")
    return redirect("owner:clinic", slug=clinic.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.owned_by(request.user), slug=slug)
    membership = get_object_or_404(clinic.memberships.select_related("user"), pk=pk)
    try:
        services.membership_remove(membership=membership)
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"{membership.user.email} no longer manages {clinic.name}.")
    return redirect("owner:clinic", slug=clinic.slug)


@login_required
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """The link from the invitation e-mail; a withdrawn, used or expired one says so (410 Gone)."""
    invitation = get_object_or_404(Invitation.objects.select_related("clinic"), token=token)
    error = invitation.closed_reason
    if request.method == "POST" and not error:
        try:
            services.membership_accept(invitation=invitation, user=request.user)
        except ValidationError as exc:
            error = exc.messages[0]
        else:
            messages.success(request, f"You now help manage {invitation.clinic.name}.")
            return redirect("owner:clinic", slug=invitation.clinic.slug)
    return render(
        request,
        "clinics/owner/invitation.html",
        {"invitation": invitation, "clinic": invitation.clinic, "error": error},
        status=410 if invitation.closed_reason else 200,
    )


@login_required
@require_POST
def reminder_settings(request: HttpRequest, slug: str) -> HttpResponse:
    """Turn the e-mails asking this member to confirm the listing's facts on or off."""
    membership = get_object_or_404(Membership, clinic__slug=slug, user=request.user)
    form = ReminderSettingsForm(request.POST)
    form.is_valid()  # an unticked box is simply False
    membership.freshness_reminders = form.cleaned_data.get("freshness_reminders", False)
    membership.save(update_fields=["freshness_reminders"])
    if membership.freshness_reminders:
        messages.success(request, f"We will e-mail you when {membership.clinic.name}'s details need confirming.")
    else:
        messages.success(request, f"We will not e-mail you reminders about {membership.clinic.name}.")
    return redirect("owner:dashboard")


def reminder_confirm(request: HttpRequest, token: str) -> HttpResponse:
    """The reminder's "nothing has changed" link: a page with a button; only the button's POST confirms.

    Mail scanners open links, so a GET never records anything.
    """
    try:
        reminder = freshness.reminder_from_token(token)
        problem = reminder.closed_reason
    except ValidationError as error:
        reminder, problem = None, error.messages[0]
    if request.method == "POST" and not problem:
        try:
            freshness.reminder_confirm(reminder=reminder, user=request.user)
        except ValidationError as error:
            problem = error.messages[0]
        else:
            return render(request, "clinics/owner/reminder_confirmed.html", {"clinic": reminder.clinic})
    return render(
        request,
        "clinics/owner/reminder_confirm.html",
        {"reminder": reminder, "problem": problem},
        status=200 if not problem else 410,
    )
