"""Field encryption, key rotation and blind indexes. Keys here are generated per test run."""

import base64
import copy
import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.core.crypto import (
    CryptoError,
    IndexKey,
    KeyRing,
    aad_for,
    blind_index,
    generate_key_string,
)

no_db = settings(database=None, deadline=None)

KEY_A = bytes(range(32))
KEY_B = bytes(range(100, 132))
KEY_C = bytes([7]) * 32


def _std(key: bytes) -> str:
    return base64.b64encode(key).decode()


def _url(key: bytes, pad: bool = True) -> str:
    text = base64.urlsafe_b64encode(key).decode()
    return text if pad else text.rstrip("=")


@pytest.fixture
def ring():
    return KeyRing.from_string(f"k2:{_std(KEY_B)},k1:{_std(KEY_A)}")


@pytest.fixture
def old_ring():
    return KeyRing.from_string(f"k1:{_std(KEY_A)}")


AAD = aad_for("survivors_person", "7f1c0d6e-0000-4000-8000-000000000001", "full_name")


def _code(excinfo) -> str:
    return excinfo.value.code


def test_round_trip_kazakh_text(ring):
    text = "Жандосова Айгүл Қайратқызы — мекенжайы: Ұлытау, 12-үй 🏠"
    token = ring.seal(text, AAD)
    assert ring.open(token, AAD) == text
    assert text not in token


def test_round_trip_empty_string(ring):
    assert ring.open(ring.seal("", AAD), AAD) == ""


@no_db
@given(st.text(max_size=200), st.binary(max_size=64))
def test_round_trip_property(text, aad):
    ring = KeyRing([("k1", KEY_A)])
    assert ring.open(ring.seal(text, aad), aad) == text


def test_token_format_and_fresh_nonce(ring):
    first, second = ring.seal("same", AAD), ring.seal("same", AAD)
    assert first != second  # a fresh random nonce each time
    version, kid, body = first.split(".")
    assert (version, kid) == ("q1", "k2")
    assert "=" not in body
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    assert len(raw) == 12 + len(b"same") + 16
    other_body = second.rsplit(".", 1)[1]
    assert raw[:12] != base64.urlsafe_b64decode(other_body + "=" * (-len(other_body) % 4))[:12]


@pytest.mark.parametrize(
    "other",
    [
        aad_for("survivors_person", "7f1c0d6e-0000-4000-8000-000000000002", "full_name"),  # other row
        aad_for("survivors_person", "7f1c0d6e-0000-4000-8000-000000000001", "address"),  # other field
        aad_for("cases_case", "7f1c0d6e-0000-4000-8000-000000000001", "full_name"),  # other table
        b"",
    ],
)
def test_ciphertext_moved_elsewhere_does_not_open(ring, other):
    token = ring.seal("secret", AAD)
    with pytest.raises(CryptoError) as err:
        ring.open(token, other)
    assert _code(err) == "aad_or_tamper"


def test_aad_encoding_is_unambiguous():
    assert aad_for("a", "bc", "d") != aad_for("ab", "c", "d")
    assert aad_for("a", "b", "c\x00") != aad_for("a", "b\x00", "c")
    assert aad_for("t", "1", "f") == aad_for("t", "1", "f")
    with pytest.raises(TypeError):
        aad_for("t", 1, "f")


def test_every_bit_flip_fails(ring):
    token = ring.seal("Айгүл", AAD)
    header, body = token.rsplit(".", 1)
    raw = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    for i in range(len(raw) * 8):
        flipped = bytearray(raw)
        flipped[i // 8] ^= 1 << (i % 8)
        forged = header + "." + base64.urlsafe_b64encode(bytes(flipped)).decode().rstrip("=")
        with pytest.raises(CryptoError) as err:
            ring.open(forged, AAD)
        assert _code(err) == "aad_or_tamper"


def test_non_canonical_base64_is_refused(ring):
    # 12 + 1 + 16 = 29 bytes: the last base64 character has unused low bits
    token = ring.seal("x", AAD)
    header, body = token.rsplit(".", 1)
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
    last = alphabet.index(body[-1])
    sibling = alphabet[last ^ 1]
    # same bytes, other spelling: it would open if the encoding were not checked
    assert base64.urlsafe_b64decode(body[:-1] + sibling + "===") == base64.urlsafe_b64decode(body + "===")
    with pytest.raises(CryptoError) as err:
        ring.open(f"{header}.{body[:-1]}{sibling}", AAD)
    assert _code(err) == "format"


def test_rotation(ring, old_ring):
    old_token = old_ring.seal("старый", AAD)
    assert ring.key_id_of(old_token) == "k1"
    assert ring.needs_rotation(old_token)
    assert ring.open(old_token, AAD) == "старый"
    new_token = ring.seal(ring.open(old_token, AAD), AAD)
    assert ring.key_id_of(new_token) == ring.active_id == "k2"
    assert not ring.needs_rotation(new_token)
    # the old deployment does not know k2
    with pytest.raises(CryptoError) as err:
        old_ring.open(new_token, AAD)
    assert _code(err) == "unknown_key"


def test_same_kid_other_key_does_not_open(old_ring):
    impostor = KeyRing([("k1", KEY_C)])
    with pytest.raises(CryptoError) as err:
        impostor.open(old_ring.seal("x", AAD), AAD)
    assert _code(err) == "aad_or_tamper"


def test_kid_swapped_in_token_does_not_open(ring):
    token = ring.seal("x", AAD)
    swapped = token.replace("q1.k2.", "q1.k1.", 1)
    with pytest.raises(CryptoError) as err:
        ring.open(swapped, AAD)
    assert _code(err) == "aad_or_tamper"


@pytest.mark.parametrize(
    "token",
    [
        "",
        "q1",
        "q1.k2",
        "q1.k2.",
        "q2.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "q1.K2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "q1.k2.AAAA",  # shorter than nonce + tag
        "q1.k2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==",
        "q1.k2.AAAAAAAAAAAAAAAA AAAAAAAAAAAAAAAAAAAAAA",
        "q1.k2.AAAAAAAAAAAAAAAA+AAAAAAAAAAAAAAAAAAAAA",
        "q1.k2.AAAA.AAAA",
        "x.q1.k2.AAAA",
    ],
)
def test_malformed_tokens(ring, token):
    with pytest.raises(CryptoError) as err:
        ring.open(token, AAD)
    assert _code(err) == "format"


def test_unknown_kid(ring):
    with pytest.raises(CryptoError) as err:
        ring.open("q1.k9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", AAD)
    assert _code(err) == "unknown_key"


def test_key_id_of_rejects_garbage(ring):
    with pytest.raises(CryptoError) as err:
        ring.key_id_of("not a token")
    assert _code(err) == "format"
    with pytest.raises(CryptoError):
        ring.needs_rotation(None)


def test_base64_variants_accepted():
    key = bytes(range(200, 232))  # encodes with "+" / "/" in standard base64
    assert "+" in _std(key) or "/" in _std(key)
    for encoded in (_std(key), _url(key), _url(key, pad=False), _std(key).rstrip("=")):
        ring = KeyRing.from_string(f"k1:{encoded}")
        reference = KeyRing([("k1", key)])
        assert reference.open(ring.seal("x", b""), b"") == "x"


def test_whitespace_around_entries_is_ignored():
    ring = KeyRing.from_string(f" k2:{_std(KEY_B)} ,\n k1:{_std(KEY_A)}\n")
    assert ring.key_ids == ("k2", "k1")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "empty"),
        ("   ", "empty"),
        (f"{_std(KEY_A)}", "format"),  # no kid
        (f"k1:{_std(KEY_A)},", "format"),  # trailing comma: empty entry
        (f"K1:{_std(KEY_A)}", "key_id"),
        (f"k-1:{_std(KEY_A)}", "key_id"),
        (f"{'k' * 17}:{_std(KEY_A)}", "key_id"),
        (f":{_std(KEY_A)}", "key_id"),
        (f"k1:{_std(KEY_A)},k1:{_std(KEY_B)}", "duplicate_key_id"),
        ("k1:not base64!", "key_encoding"),
        ("k1:", "key_length"),
        (f"k1:{_std(KEY_A[:16])}", "key_length"),
        (f"k1:{_std(KEY_A + b'x')}", "key_length"),
        (f"k1:{_std(KEY_A)}:extra", "key_encoding"),
    ],
)
def test_malformed_key_rings(text, code):
    with pytest.raises(CryptoError) as err:
        KeyRing.from_string(text)
    assert _code(err) == code


def test_key_ring_constructor_checks():
    with pytest.raises(CryptoError) as err:
        KeyRing([])
    assert _code(err) == "empty"
    with pytest.raises(CryptoError) as err:
        KeyRing([("k1", b"short")])
    assert _code(err) == "key_length"


def test_no_key_material_in_repr_or_errors():
    secret = _std(KEY_A)
    ring = KeyRing.from_string(f"k1:{secret}")
    assert secret not in repr(ring) and "k1" in repr(ring)
    assert secret not in repr(IndexKey.from_string(secret))
    bad = secret[:-4] + "!!!!"
    with pytest.raises(CryptoError) as err:
        KeyRing.from_string(f"k1:{bad}")
    assert bad not in str(err.value) and bad not in repr(err.value)
    assert err.value.__cause__ is None and err.value.__suppress_context__
    with pytest.raises(CryptoError) as err:
        KeyRing.from_string(f"k1:{_std(KEY_A[:31])}")
    assert _std(KEY_A[:31]) not in str(err.value)


def test_keys_are_not_pickled_or_copied():
    ring = KeyRing([("k1", KEY_A)])
    with pytest.raises(TypeError):
        pickle.dumps(ring)
    with pytest.raises(TypeError):
        copy.deepcopy(ring)
    with pytest.raises(TypeError):
        pickle.dumps(IndexKey(KEY_A))


def test_seal_and_open_type_checks(ring):
    with pytest.raises(TypeError):
        ring.seal(b"bytes", AAD)
    with pytest.raises(TypeError):
        ring.seal("text", "not bytes")
    with pytest.raises(TypeError):
        ring.open(ring.seal("x", AAD), "not bytes")


def test_blind_index_deterministic_domain_separated_key_dependent():
    value = "900101400404"
    first = blind_index(KEY_A, "iin", value)
    assert first == blind_index(KEY_A, "iin", value)
    assert len(first) == 32 and int(first, 16) >= 0
    assert blind_index(KEY_A, "phone", value) != first
    assert blind_index(KEY_B, "iin", value) != first
    assert blind_index(KEY_A, "iin", "900101400416") != first
    # the domain/value boundary cannot be shifted
    assert blind_index(KEY_A, "ab", "c") != blind_index(KEY_A, "a", "bc")


def test_blind_index_checks():
    with pytest.raises(CryptoError) as err:
        blind_index(b"short", "iin", "x")
    assert _code(err) == "key_length"
    with pytest.raises(ValueError):
        blind_index(KEY_A, "", "x")


def test_index_key_from_string():
    plain = IndexKey.from_string(_url(KEY_A, pad=False))
    with_kid = IndexKey.from_string(f"i1:{_std(KEY_A)}")
    assert plain.kid is None and with_kid.kid == "i1"
    assert plain.key == with_kid.key == KEY_A
    assert plain.index("iin", "x") == blind_index(KEY_A, "iin", "x")
    for text, code in (("", "empty"), ("I1:" + _std(KEY_A), "key_id"), ("abc", "key_length")):
        with pytest.raises(CryptoError) as err:
            IndexKey.from_string(text)
        assert _code(err) == code


def test_generate_key_string():
    first, second = generate_key_string("k3"), generate_key_string("k3")
    assert first != second
    assert first.startswith("k3:")
    ring = KeyRing.from_string(f"{first},{generate_key_string('k2')}")
    assert ring.active_id == "k3"
    assert IndexKey.from_string(first).kid == "k3"
    with pytest.raises(CryptoError) as err:
        generate_key_string("Bad Id")
    assert _code(err) == "key_id"
