"""EncryptedField: identifying data encrypted by the application before it reaches the database.

Each value is sealed with AES-256-GCM under the active key of the key ring; the associated data
binds the ciphertext to its model, row and field, so a value copied to another row or column does
not open. The model instance holds plaintext; the database only ever sees ciphertext. Values are
opened lazily, on first access, so lists that never show a field never decrypt it.

Encrypted columns cannot be searched: a query that compares one raises TypeError. Look people
up through blind indexes (qorgau.core.keys.blind) instead. Rows need their primary key before the
first save (UUID primary keys), because it is part of the associated data.
"""

import json
from datetime import date

from django import forms
from django.core.validators import MaxLengthValidator
from django.db import models

from qorgau.core.crypto import aad_for
from qorgau.core.keys import data_keyring

KINDS = ("text", "date", "json")


class Sealed(str):
    """Ciphertext as stored, not yet opened."""


class _Descriptor:
    def __init__(self, field):
        self.field = field

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        name = self.field.attname
        if name not in instance.__dict__:  # deferred with .only()/.defer()
            instance.refresh_from_db(fields=[name])
        value = instance.__dict__.get(name)
        if isinstance(value, Sealed):
            value = self.field.open(instance, value)
            instance.__dict__[name] = value
        return value

    def __set__(self, instance, value):
        instance.__dict__[self.field.attname] = value


class EncryptedField(models.TextField):
    description = "Text encrypted with AES-256-GCM, bound to its row and field"

    def __init__(self, *args, kind: str = "text", **kwargs):
        if kind not in KINDS:
            raise ValueError(f"kind must be one of {KINDS}")
        self.kind = kind
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)
        if self.max_length and kind == "text":  # a limit on the plaintext, checked by full_clean
            self.validators.append(MaxLengthValidator(self.max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.kind != "text":
            kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def contribute_to_class(self, cls, name, **kwargs):
        super().contribute_to_class(cls, name, **kwargs)
        setattr(cls, self.attname, _Descriptor(self))

    # --- sealing -------------------------------------------------------------------------------
    def aad(self, instance) -> bytes:
        return aad_for(instance._meta.label_lower, str(instance.pk), self.attname)

    def _encode(self, value) -> str:
        if self.kind == "date":
            return value.isoformat() if isinstance(value, date) else str(value)
        if self.kind == "json":
            return json.dumps(value, ensure_ascii=False, sort_keys=True)
        return str(value)

    def _decode(self, text: str):
        if self.kind == "date":
            return date.fromisoformat(text)
        if self.kind == "json":
            return json.loads(text)
        return text

    def open(self, instance, token: str):
        return self._decode(data_keyring().open(str(token), self.aad(instance)))

    def pre_save(self, model_instance, add):
        if model_instance.pk is None:
            raise ValueError(f"{model_instance._meta.label} needs its primary key before encrypting")
        value = model_instance.__dict__.get(self.attname)
        if isinstance(value, Sealed):
            if not data_keyring().needs_rotation(value):
                return value  # untouched since loading: keep the stored ciphertext
            value = self.open(model_instance, value)
        if value is None or value == "" or value == [] or value == {}:
            return None
        return Sealed(data_keyring().seal(self._encode(value), self.aad(model_instance)))

    def from_db_value(self, value, expression, connection):
        return None if value is None else Sealed(value)

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None or isinstance(value, Sealed):
            return None if value is None else str(value)
        raise TypeError("encrypted fields cannot be compared in queries: use a blind index")

    def value_from_object(self, obj):
        return getattr(obj, self.attname)

    def formfield(self, **kwargs):
        if self.kind == "date":
            return forms.DateField(
                required=not self.blank, **{k: v for k, v in kwargs.items() if k == "label"}
            )
        return super().formfield(**kwargs)
