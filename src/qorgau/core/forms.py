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


def back_from_decision(request, page_url: str):
    """Where a supervisor's decision returns: the dashboard's "waiting for my approval" when it
    was sent from there (a fixed choice, never an address taken from the request), else the page."""
    from django.shortcuts import redirect
    from django.urls import reverse

    if request.POST.get("back") == "dashboard":
        return redirect(reverse("core:home") + "#approvals")
    return redirect(page_url)


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


class LanguageSelect(forms.Select):
    """A choice of interface language: each option is written in its own language ("English" on
    a Russian page), so it says so (`lang`) for screen readers and the language checks."""

    def create_option(self, name, value, *args, **kwargs):
        option = super().create_option(name, value, *args, **kwargs)
        if value:
            option["attrs"]["lang"] = value
        return option


def mark_languages(form) -> None:
    """Fields that hold one language's wording (name_kk, description_en...) say which language
    they are in, for spell-checkers, screen readers and the language checks."""
    for name, field in form.fields.items():
        code = name.rsplit("_", 1)[-1]
        if code in ("kk", "ru", "en"):
            field.widget.attrs["lang"] = code


def kept_form(request, name: str):
    """The form a failed post left for the page it came from (what was typed, with its errors),
    or None: the page then draws a fresh one."""
    return getattr(request, "_kept_forms", {}).get(name)


def page_form_action(request, form, action, success, *, name: str, page, failed=None):
    """A form of a long page (the case page) that posts and comes back. Done: a success message,
    and None (the caller redirects back). Refused: the page itself is drawn again, answered 400,
    with this form holding what was typed and each error beside its field, so a long note she
    dictated is not lost; `failed` frames a summary at the top ("The note was not saved: …").

    `name` is the context name the page gives this form; `page` draws the page (a callable).
    """
    from django.contrib import messages

    from qorgau.core.errors import Conflict

    if form.is_valid():
        try:
            action(form.cleaned_data)
        except Conflict as exc:
            form.add_error(None, exc.message)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, success)
            return None
    text = errors_text(form)
    messages.error(request, str(failed) % {"errors": text} if failed else text)
    request._kept_forms = {**getattr(request, "_kept_forms", {}), name: form}
    response = page()
    response.status_code = 400
    return response
