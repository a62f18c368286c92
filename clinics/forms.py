"""Forms for patients: a question to a clinic, and a report of an error on a clinic's page."""

import uuid

from django import forms

from clinics.models import Inquiry, ListingReport


class InquiryForm(forms.ModelForm):
    """A patient's question; with neither e-mail nor phone, the model's constraint says what to give."""

    consent = forms.BooleanField(
        required=True,
        label="I agree that the directory stores this message and sends it, with my contact details, to this clinic.",
        error_messages={"required": "Please tick the box so we may pass your message to the clinic."},
    )
    # Honeypot: hidden from people by CSS and from screen readers; bots that fill every field reveal themselves.
    company = forms.CharField(required=False, label="Leave this field empty")
    submission_token = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    class Meta:
        model = Inquiry
        fields = ["name", "email", "phone", "message"]
        labels = {"name": "Your name", "email": "E-mail", "phone": "Phone", "message": "Your message"}
        help_texts = {
            "message": f"Up to {Inquiry.MESSAGE_MAX_LENGTH} characters. Please leave out details you would not "
            "want in an e-mail; the clinic can ask for them privately.",
        }
        widgets = {
            "message": forms.Textarea(attrs={"rows": 5, "maxlength": Inquiry.MESSAGE_MAX_LENGTH}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "phone": forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
        }

    @property
    def is_spam(self) -> bool:
        return bool(self.cleaned_data.get("company"))


class ListingReportForm(forms.ModelForm):
    # Radios with no blank "---------" choice and none chosen for the visitor.
    part = forms.ChoiceField(choices=ListingReport.Part.choices, widget=forms.RadioSelect, label="What is wrong?")

    class Meta:
        model = ListingReport
        fields = ["part", "note", "reporter_email"]
        labels = {"note": "What should it say?", "reporter_email": "Your e-mail (optional)"}
        widgets = {
            "note": forms.Textarea(attrs={"rows": 4, "maxlength": 1000}),
        }
