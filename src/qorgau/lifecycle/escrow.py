"""Key escrow: a key split into SLIP-39 word shares (shamir-mnemonic), any `threshold` of which
recover it; fewer reveal nothing. Each share is a list of words an officer can write down and keep
in a sealed envelope; the words carry a checksum, so a miscopied share is refused, not misread.

Keys are the 32-byte values of QORGAU_DATA_KEYS entries, QORGAU_INDEX_KEY, QORGAU_AUDIT_KEY and
QORGAU_BACKUP_KEY. The key id of a data key (the part before ":") is not secret: it is written on
the envelope and given back at recovery.
"""

import base64

import shamir_mnemonic
from shamir_mnemonic import MnemonicError

from qorgau.core.crypto import CryptoError, _decode_key


class EscrowError(Exception):
    pass


def key_entries(value: str) -> list[tuple[str, bytes]]:
    """(key id or "", key bytes) for every key in an environment value (a key ring has several)."""
    entries = []
    for entry in value.split(","):
        kid, sep, encoded = entry.strip().rpartition(":")
        try:
            entries.append((kid if sep else "", _decode_key(encoded)))
        except CryptoError as exc:
            raise EscrowError(f"not a key: {exc}") from None
    return entries


def split_key(key: bytes, *, threshold: int = 2, shares: int = 3) -> list[str]:
    if not 1 < threshold <= shares <= 16:
        raise EscrowError("choose 2 <= threshold <= shares <= 16")
    (group,) = shamir_mnemonic.generate_mnemonics(1, [(threshold, shares)], key)
    return group


def recover_key(shares: list[str]) -> str:
    """The key, base64 (as the environment holds it), from at least `threshold` shares."""
    try:
        secret = shamir_mnemonic.combine_mnemonics([" ".join(s.split()) for s in shares if s.strip()])
    except MnemonicError as exc:
        raise EscrowError(f"these shares do not recover a key: {exc}") from None
    return base64.b64encode(secret).decode("ascii")
