"""Reminders as members see them: turning them on or off, and the e-mail's "nothing has changed" link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from clinics.models import Membership
from clinics.staff.forms import ReminderSettingsForm
from clinics.staff.services import reminders as services


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
        reminder = services.reminder_from_token(token)
        problem = reminder.closed_reason
    except ValidationError as error:
        reminder, problem = None, error.messages[0]
    if request.method == "POST" and not problem:
        try:
            services.reminder_confirm(reminder=reminder, user=request.user)
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
