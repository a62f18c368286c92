"""A clinic's members as its owners manage them: invitations sent, withdrawn and accepted, members removed."""

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinics.models import Clinic, Invitation
from clinics.staff.forms import InvitationForm
from clinics.staff.services import members as services
from directory.ratelimit import within_limit


@login_required
@require_POST
def member_invite(request: HttpRequest, slug: str) -> HttpResponse:
    """Invite a colleague, or send a waiting invitation to the same address again."""
    clinic = get_object_or_404(Clinic.objects.owned_by(request.user), slug=slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        email = form.cleaned_data["email"].strip().lower()
        if not within_limit("invite-address", f"{clinic.pk}:{email}"):
            messages.error(request, f"We e-mailed {email} less than a minute ago. Please give it a few minutes.")
        elif not within_limit("invite-user", str(request.user.pk)):
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
    _run_and_tell(
        request,
        lambda: services.invitation_revoke(invitation=invitation),
        success=f"The invitation to {invitation.email} is withdrawn; its link no longer works.",
    )
    return redirect("owner:clinic", slug=clinic.slug)


@login_required
@require_POST
def member_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.owned_by(request.user), slug=slug)
    membership = get_object_or_404(clinic.memberships.select_related("user"), pk=pk)
    _run_and_tell(
        request,
        lambda: services.membership_remove(membership=membership),
        success=f"{membership.user.email} no longer manages {clinic.name}.",
    )
    return redirect("owner:clinic", slug=clinic.slug)


def _run_and_tell(request: HttpRequest, action: Callable[[], object], *, success: str) -> None:
    """Run a service and tell the owner how it went: the refusal's reason, or `success`."""
    try:
        action()
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, success)


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
