from django import forms
from django.contrib.admin.widgets import AdminSplitDateTime

from clinics.models import InsuranceCarrier
from clinics.places import Location, PlaceForm
from guides.images import ReencodedImageField
from guides.models import Guide

# As long as the clinic search accepts: room for any US city and state.
NEAR_MAX_LENGTH = 100
UNREADABLE_PLACE = "We could not find that place. Try a five-digit ZIP code or “City, ST”."


class PublishTimeWidget(AdminSplitDateTime):
    """The admin's publish date and time boxes, each named for screen readers (Django leaves them unlabelled)."""

    def get_context(self, name: str, value, attrs: dict | None) -> dict:
        context = super().get_context(name, value, attrs)
        for subwidget, part in zip(context["widget"]["subwidgets"], ("Publish date", "Publish time"), strict=True):
            subwidget["attrs"]["aria-label"] = part
        return context


class GuideAdminForm(forms.ModelForm):
    class Meta:
        model = Guide
        fields = [
            "title", "slug", "summary", "body", "hero_image", "hero_image_alt",
            "treatment_types", "conditions",
            "author_name", "author_credentials", "reviewer_name", "reviewer_credentials", "reviewed_on",
            "status", "publish_at",
        ]  # fmt: skip
        field_classes = {"hero_image": ReencodedImageField}


class NearForm(PlaceForm):
    """Where a guide's clinics are sorted from: a ZIP code, "City, ST" or a city name, geocoded while validating."""

    near = forms.CharField(
        max_length=NEAR_MAX_LENGTH,
        required=False,
        # Too long, or with a NUL byte PostgreSQL would refuse: no place, and no need to say more.
        error_messages={"max_length": UNREADABLE_PLACE, "null_characters_not_allowed": UNREADABLE_PLACE},
    )

    def clean_near(self) -> Location | None:
        return self.located(self.cleaned_data["near"])


YES, NO, NOT_SURE = "yes", "no", "not-sure"
YES_NO = [(YES, "Yes"), (NO, "No")]
YES_NO_NOT_SURE = [*YES_NO, (NOT_SURE, "I'm not sure")]


def _question(label: str, choices: list[tuple[str, str]] = YES_NO_NOT_SURE, **options) -> forms.ChoiceField:
    """A question of the self-check, answered with one radio button."""
    return forms.ChoiceField(label=label, choices=choices, widget=forms.RadioSelect, **options)


class SpravatoSelfCheckForm(forms.Form):
    """The questions a prescriber will ask before Spravato, from its label; the answers are never stored.

    `points_for_a_doctor()` says which answers need a doctor's view and `before_you_start()` what to
    arrange; neither decides that someone may have the treatment.
    """

    adult = _question("Are you 18 or older?", YES_NO)
    diagnosed = _question("Has a doctor diagnosed you with major depression (major depressive disorder)?")
    antidepressants_tried = _question(
        "How many antidepressants have you taken at a full dose, for long enough, without enough relief?",
        [("0", "None"), ("1", "One"), ("2", "Two or more"), (NOT_SURE, "I'm not sure")],
        help_text="Count each one you took as prescribed, for several weeks or more, in this episode of depression.",
    )
    contraindications = forms.MultipleChoiceField(
        label="Do any of these apply to you? Tick any that do; leave them all empty if none does.",
        choices=[
            ("aneurysm", "An aneurysm or other aneurysmal blood-vessel disease (in the aorta, the brain or elsewhere)"),
            ("avm", "An arteriovenous malformation (AVM)"),
            ("brain-bleed", "Bleeding in the brain (intracerebral hemorrhage) at any time"),
            ("allergy", "An allergic reaction to esketamine, ketamine or an ingredient of the spray"),
            (NOT_SURE, "I'm not sure about some of these"),
        ],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    pregnancy = _question("Are you pregnant, planning a pregnancy, or breastfeeding?")
    ride_home = _question(
        "Could someone drive you home after each session?",
        help_text="After a dose you may not drive until the next day, after a restful sleep.",
    )
    where = forms.CharField(
        label="Your ZIP code or city (optional)",
        help_text="To find certified centers near you, e.g. 78701 or Austin, TX.",
        max_length=NEAR_MAX_LENGTH,
        required=False,
    )
    insurance = forms.ChoiceField(label="Your insurance carrier (optional)", required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        carriers = InsuranceCarrier.objects.values_list("slug", "name")
        self.fields["insurance"].choices = [("", "I don't know, or I pay myself"), *carriers]

    def points_for_a_doctor(self) -> list[str]:
        """What in the answers a prescriber must look at first, in plain words; empty when nothing stands out."""
        answers = self.cleaned_data
        points = []
        if answers["adult"] == NO:
            points.append("Spravato is approved for adults only, 18 and older.")
        if answers["diagnosed"] != YES:
            points.append(
                "Spravato is approved for major depression. A doctor needs to make or confirm that diagnosis."
            )
        if answers["antidepressants_tried"] in ("0", "1"):
            points.append(
                "For treatment-resistant depression, a prescriber looks for at least two antidepressants that did "
                "not help enough at a full dose and for long enough. (Spravato's other approved use, with an "
                "antidepressant for major depression with acute suicidal thoughts or behavior, is a decision for "
                "a doctor who sees you; if you are in crisis, call or text 988 now.)"
            )
        elif answers["antidepressants_tried"] == NOT_SURE:
            points.append(
                "A prescriber will want to know which antidepressants you took, at what dose and for how long. "
                "Your pharmacy or doctor's records can tell you."
            )
        if set(answers["contraindications"]) - {NOT_SURE}:
            points.append(
                "Spravato's label says it must not be used with aneurysmal blood-vessel disease, an arteriovenous "
                "malformation, a history of bleeding in the brain, or an allergy to esketamine or ketamine. A "
                "doctor must look at this before anything else."
            )
        elif NOT_SURE in answers["contraindications"]:
            points.append(
                "Ask a doctor about the blood-vessel conditions, bleeding in the brain and allergies listed: the "
                "label rules Spravato out with any of them."
            )
        if answers["pregnancy"] != NO:
            points.append(
                "Spravato may harm an unborn baby and is not recommended while breastfeeding. A doctor should "
                "weigh this with you."
            )
        return points

    def before_you_start(self) -> list[str]:
        """Practical points to settle before a first session, whatever a doctor decides."""
        if self.cleaned_data["ride_home"] == YES:
            return []
        return [
            "You may not drive after a dose until the next day, after a restful sleep. Ask the center how "
            "others get home safely, or think about who could take you."
        ]
