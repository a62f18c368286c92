"""Laying out a form's fields in groups: `{% include "forms/section.html" with fields=form|fields:"name city" %}`."""

from django import forms, template

register = template.Library()


@register.filter
def fields(form: forms.BaseForm, names: str) -> list[forms.BoundField]:
    """The bound fields of `form` named in `names` (separated by spaces), in that order."""
    return [form[name] for name in names.split()]
