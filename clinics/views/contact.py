"""A patient's ways to reach a clinic or tell the directory about an error on its page."""

from django.contrib import messages
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_http_methods

from clinics.forms import InquiryForm, ListingReportForm
from clinics.inquiries import inquiry_create
from clinics.models import Clinic
from directory.ratelimit import client_ip, within_limit

TOO_MANY = "Too many messages from your connection just now. Your text is kept below; please try again in an hour."


@sensitive_post_parameters("name", "email", "phone", "message")
@require_http_methods(["GET", "POST"])
def inquiry_new(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    form = InquiryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.is_spam:
            return redirect("clinics:inquiry_sent", slug=clinic.slug)
        if within_limit("inquiry-ip", client_ip(request)):
            inquiry_create(
                clinic=clinic,
                name=form.cleaned_data["name"],
                email=form.cleaned_data["email"],
                phone=form.cleaned_data["phone"],
                message=form.cleaned_data["message"],
                submission_token=form.cleaned_data["submission_token"],
                # Many senders at once would otherwise silence the clinic; an editor looks first.
                held=not within_limit("inquiry-clinic", clinic.slug),
            )
            return redirect("clinics:inquiry_sent", slug=clinic.slug)
    return _form_page(request, "clinics/inquiry_form.html", clinic, form)


def inquiry_sent(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    return render(request, "clinics/inquiry_sent.html", {"clinic": clinic})


@require_http_methods(["GET", "POST"])
def report_new(request: HttpRequest, slug: str) -> HttpResponse:
    clinic = get_object_or_404(Clinic.objects.published(), slug=slug)
    form = ListingReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid() and within_limit("report-ip", client_ip(request)):
        report = form.save(commit=False)
        report.clinic = clinic
        report.save()
        messages.success(request, "Thank you. An editor will check this listing and correct it if needed.")
        return redirect(clinic)
    return _form_page(request, "clinics/report_form.html", clinic, form)


def _form_page(request: HttpRequest, template: str, clinic: Clinic, form: Form) -> HttpResponse:
    """The form, empty or as sent: 400 with its errors, or 429 when it was valid but over the rate limit."""
    status = 200
    if request.method == "POST":
        status = 429 if form.is_valid() else 400
    if status == 429:
        form.add_error(None, TOO_MANY)
    return render(request, template, {"clinic": clinic, "form": form}, status=status)
