"""How forms render: through the project's templates, so templates/forms/ can lay them out."""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    """`{{ form }}` is its errors and every field as templates/forms/field.html lays it out.

    A field alone (`{{ field.as_field_group }}`) keeps Django's own field template, which the
    public forms are styled for; staff forms include forms/field.html for a single field.
    """

    form_template_name = "forms/form.html"
