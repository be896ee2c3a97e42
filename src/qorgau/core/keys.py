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


@cache
def previous_index_key() -> IndexKey | None:
    """The index key being replaced while `qorgau keys reindex` runs (QORGAU_INDEX_KEY_PREVIOUS)."""
    text = getattr(settings, "QORGAU_INDEX_KEY_PREVIOUS", "")
    return IndexKey.from_string(text) if text else None


def index_keys() -> list[IndexKey]:
    """The keys a search tries: the current one, then the previous one during a reindex."""
    previous = previous_index_key()
    return [index_key()] if previous is None or previous.key == index_key().key else [index_key(), previous]


def blind(domain: str, value: str) -> str:
    """The keyed blind index of an already normalised value (an IIN, an E.164 phone, a name token)."""
    return index_key().index(domain, value)


def blind_all(domain: str, value: str) -> list[str]:
    """Every digest a search must accept: under the current key and, during a reindex, the previous
    one, so people not yet reindexed are still found (write with `blind`, search with this)."""
    return [key.index(domain, value) for key in index_keys()]


def _forget_keys(*, setting, **kwargs):
    # Tests switch keys with override_settings; production reads them once per process.
    if setting in {
        "QORGAU_DATA_KEYS",
        "QORGAU_INDEX_KEY",
        "QORGAU_INDEX_KEY_PREVIOUS",
        "QORGAU_AUDIT_KEY",
        "QORGAU_AUDIT_KEYS",
    }:
        from qorgau.core import audit

        data_keyring.cache_clear()
        index_key.cache_clear()
        previous_index_key.cache_clear()
        audit._keys.cache_clear()


setting_changed.connect(_forget_keys)
