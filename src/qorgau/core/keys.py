"""The application's keys, read once from settings: the data key ring and the blind-index key."""

from functools import cache

from django.conf import settings
from django.core.signals import setting_changed

from qorgau.core.crypto import IndexKey, KeyRing


@cache
def data_keyring() -> KeyRing:
    return KeyRing.from_string(settings.QORGAU_DATA_KEYS)


@cache
def index_key() -> IndexKey:
    return IndexKey.from_string(settings.QORGAU_INDEX_KEY)


def blind(domain: str, value: str) -> str:
    """The keyed blind index of an already normalised value (an IIN, an E.164 phone, a name token)."""
    return index_key().index(domain, value)


def _forget_keys(*, setting, **kwargs):
    # Tests switch keys with override_settings; production reads them once per process.
    if setting in {"QORGAU_DATA_KEYS", "QORGAU_INDEX_KEY", "QORGAU_AUDIT_KEY"}:
        from qorgau.core import audit

        data_keyring.cache_clear()
        index_key.cache_clear()
        audit._key.cache_clear()


setting_changed.connect(_forget_keys)
