"""Django forms as the API's input validators, so the web screens and the API share one set of
rules and translated messages. `form_serializer` describes a form in the OpenAPI schema."""

from functools import cache

from django import forms
from django.core.exceptions import ValidationError
from django.utils.choices import CallableChoiceIterator
from django.utils.translation import gettext as _
from rest_framework import serializers

MULTIPLE = forms.MultipleChoiceField | forms.ModelMultipleChoiceField  # the fields that take a list


def validated(form_class, data, prefix_errors: str | None = None, **kwargs):
    """Bind JSON data to a form; raise a field-keyed ValidationError (400) when invalid."""
    if not isinstance(data, dict):
        raise ValidationError({prefix_errors or "non_field_errors": [_("Send a JSON object here.")]})
    form = form_class(data=dict(data), **kwargs)
    prefix = f"{prefix_errors}." if prefix_errors else ""
    shapes = {}
    for name, field in form.fields.items():
        value = data.get(name)
        # Form fields parse the text a browser sends (a date field calls .strip()): JSON numbers
        # and booleans become that text, except for check boxes; a list or an object where one
        # value belongs is refused, naming the field.
        if isinstance(field, MULTIPLE | forms.BooleanField):
            continue
        if isinstance(value, list | dict):
            shapes[f"{prefix}{name}"] = [_("Send a single value here, not a list or an object.")]
        elif isinstance(value, bool | int | float):
            form.data[name] = str(value)
    if shapes:
        raise ValidationError(shapes)
    if not form.is_valid():
        raise ValidationError(
            {f"{prefix}{field}": [str(e) for e in errs] for field, errs in form.errors.items()}
        )
    return form


def _serializer_field(field: forms.Field) -> serializers.Field:
    common = {"required": field.required, "help_text": str(field.help_text or field.label or "")}
    if isinstance(field, forms.ModelChoiceField):
        return serializers.CharField(**common)
    if isinstance(field, forms.MultipleChoiceField):
        if isinstance(field.choices, CallableChoiceIterator):  # read from the database: not at import time
            return serializers.ListField(child=serializers.CharField(), **common)
        return serializers.MultipleChoiceField(choices=list(field.choices), **common)
    if isinstance(field, forms.ChoiceField):
        return serializers.ChoiceField(
            choices=[c for c in field.choices if c[0] != ""], allow_blank=not field.required, **common
        )
    if isinstance(field, forms.BooleanField):
        return serializers.BooleanField(**common)
    if isinstance(field, forms.IntegerField):
        return serializers.IntegerField(min_value=field.min_value, max_value=field.max_value, **common)
    if isinstance(field, forms.DateField):
        return serializers.DateField(**common)
    if isinstance(field, forms.TimeField):
        return serializers.TimeField(**common)
    if isinstance(field, forms.EmailField):
        return serializers.EmailField(**common)
    return serializers.CharField(
        max_length=getattr(field, "max_length", None), allow_blank=not field.required, **common
    )


@cache
def form_serializer(form_class, name: str | None = None):
    """A DRF serializer class mirroring a form's fields (for the OpenAPI schema only)."""
    form = form_class()
    attrs = {name_: _serializer_field(f) for name_, f in form.fields.items()}
    return type(name or f"{form_class.__name__.removesuffix('Form')}Input", (serializers.Serializer,), attrs)
