"""Password rules beyond Django's built-in validators (length 12+, common, numeric, similarity)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


class MixedCharactersValidator:
    """Refuse passwords made of very few distinct characters ("aaaaaaaaaaaa", "abababababab")."""

    def __init__(self, min_distinct: int = 6):
        self.min_distinct = min_distinct

    def validate(self, password, user=None):
        if len(set(password)) < self.min_distinct:
            raise ValidationError(
                ngettext(
                    "The password must contain at least %(n)d different character.",
                    "The password must contain at least %(n)d different characters.",
                    self.min_distinct,
                )
                % {"n": self.min_distinct},
                code="password_too_uniform",
            )

    def get_help_text(self):
        return _("Use at least %(n)d different characters.") % {"n": self.min_distinct}
