"""Form helpers shared by every app."""

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form, exc: ValidationError) -> None:
    """Show a service's ValidationError on the form: by field where the form has it, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def errors_text(form) -> str:
    """All of a form's errors as one sentence, for a message after a redirect."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


class DateInput(forms.DateInput):
    """A native date picker. Its value must be ISO (YYYY-MM-DD) whatever the language, or the
    browser shows the field empty and sends nothing."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%H:%M")


def form_action(request, form, action, success, failed=None) -> bool:
    """The small forms of a page that post and come back (add a note, record consent, …):
    validate, run the service with the cleaned data, and say how it went in a message.

    `failed` may frame the form's errors ("The note was not saved: %(errors)s"). Returns whether
    the action was done.
    """
    from django.contrib import messages

    from qorgau.core.errors import Conflict

    if not form.is_valid():
        text = errors_text(form)
        messages.error(request, str(failed) % {"errors": text} if failed else text)
        return False
    try:
        action(form.cleaned_data)
    except Conflict as exc:
        messages.error(request, exc.message)
        return False
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return False
    messages.success(request, success)
    return True
