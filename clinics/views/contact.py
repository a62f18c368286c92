"""A patient's ways to reach a clinic or tell the directory about an error on its page."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from clinics.forms import InquiryForm, ListingReportForm
from clinics.inquiries import inquiry_create
from clinics.models import Clinic
from directory.ratelimit import allow, client_ip

TOO_MANY = "Too many messages from your connection just now. Your text is kept below; please try again in an hour."


def _allowed(scope: str, key: str) -> bool:
    limit, per_seconds = settings.RATE_LIMITS[scope]
    return allow(scope, key, limit=limit, per_seconds=per_seconds)


@sensitive_post_parameters("name", "email", "phone", "message")
@require_http_methods(["GET", "POST"])
def inquiry_new(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    status = 200
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            return redirect("clinics:inquiry_sent", slug=clinic.slug)
        if _allowed("inquiry-ip", client_ip(request)):
            inquiry_create(
                clinic=clinic,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                message=form.cleaned_data["message"],
                submission_token=form.cleaned_data["submission_token"],
                # Many senders at once would otherwise silence the clinic; an editor looks first.
                held=not _allowed("inquiry-clinic", clinic.slug),
            )
            return redirect("clinics:inquiry_sent", slug=clinic.slug)
        form.add_error(None, TOO_MANY)
        status = 429
    elif request.method == "POST":
        status = 400
    return render(request, "clinics/inquiry_form.html", {"clinic": clinic, "form": form}, status=status)


def inquiry_sent(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    return render(request, "clinics/inquiry_sent.html", {"clinic": clinic})


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    status = 200
    form = ListingReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if _allowed("report-ip", client_ip(request)):
            report = form.save(commit=False)
            report.clinic = clinic
            report.save()
            messages.success(request, "Thank you. An editor will check this listing and correct it if needed.")
            return redirect(clinic)
        form.add_error(None, TOO_MANY)
        status = 429
    elif request.method == "POST":
        status = 400
    return render(request, "clinics/report_form.html", {"clinic": clinic, "form": form}, status=status)
