"""Claims as the claimant sees them: find a published listing, ask to manage it, confirm by e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinics.models import Claim, Clinic
from clinics.staff.forms import ClaimForm, FindClinicForm
from clinics.staff.services import claims as services
from directory.ratelimit import within_limit

FIND_CLINIC_LIMIT = 20


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
            "domain": clinic.website_domain,
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
    if not within_limit("claim-resend", str(claim.pk)):
        messages.error(
            request,
            "We sent it less than a minute ago. E-mail can take a few minutes to arrive, so please check your "
            "inbox and spam folder before asking again.",
        )
    elif not within_limit("claim-resend-day", str(claim.pk)):
        messages.error(
            request,
            "We have sent this e-mail as many times as we can today. Please check your spam folder, or ask "
            "again tomorrow.",
        )
    else:
        services.claim_resend(claim=claim)
        messages.success(request, f"We sent the confirmation link to {claim.email} again. It works for three days.")
    return redirect("owner:claim", slug=claim.clinic.slug)


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
