"""The key-loss drill: the data key and the backup key split between three officers, both lost,
recovered from any two shares, and her data and the backup open again; one share is not enough
and a miscopied share is refused."""

import io
import itertools
import sqlite3
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from tests.helpers import SURVIVOR_NAME
from tests.lifecycle.roundtrip import BACKUP_KEY

from qorgau.core.crypto import CryptoError, generate_key_string
from qorgau.lifecycle.archive import ArchiveError, parse_key
from qorgau.lifecycle.backup import backup_create, backup_verify
from qorgau.lifecycle.escrow import EscrowError, key_entries, recover_key, split_key
from qorgau.people.models import Person

SQLITE = "django.db.backends.sqlite3"


def test_the_drill(db, make_user, open_case, tmp_path, settings):
    open_case(make_user("caseworker", username="d.worker"))
    data_keys = settings.QORGAU_DATA_KEYS
    (kid, data_key), *_ = key_entries(data_keys)
    db_file = tmp_path / "db.sqlite3"
    sqlite3.connect(db_file).close()
    archive = tmp_path / "b.qbk"
    backup_create(
        out=archive,
        db={"ENGINE": SQLITE, "NAME": db_file},
        media_root=tmp_path / "m",
        key=parse_key(BACKUP_KEY),
    )

    data_shares = split_key(data_key, threshold=2, shares=3)
    backup_shares = split_key(parse_key(BACKUP_KEY), threshold=2, shares=3)
    assert len(data_shares) == 3 and all(len(s.split()) == 33 for s in data_shares)

    # The keys are lost: her data does not open, nor does the backup.
    lost = generate_key_string(kid)
    with override_settings(QORGAU_DATA_KEYS=lost), pytest.raises(CryptoError):
        Person.objects.get(role="survivor").family_name  # noqa: B018 - opening it is the test
    with pytest.raises(ArchiveError, match="backup key does not open"):
        backup_verify(path=archive, key=parse_key(generate_key_string("x").split(":")[1]))

    # Any two officers recover both keys; the data and the backup open again.
    for pair in itertools.combinations(range(3), 2):
        recovered = recover_key([data_shares[i] for i in pair])
        with override_settings(QORGAU_DATA_KEYS=f"{kid}:{recovered}"):
            assert Person.objects.get(role="survivor").family_name == SURVIVOR_NAME[0]
        backup_key = recover_key([backup_shares[i] for i in pair])
        assert backup_verify(path=archive, key=parse_key(backup_key))["meta"]["vendor"] == "sqlite"

    with pytest.raises(EscrowError, match="do not recover"):
        recover_key(data_shares[:1])
    words = data_shares[0].split()
    words[5] = "academic" if words[5] != "academic" else "acid"
    with pytest.raises(EscrowError, match="do not recover"):
        recover_key([" ".join(words), data_shares[1]])
    with pytest.raises(EscrowError, match="do not recover"):
        recover_key([data_shares[0], backup_shares[1]])  # shares of two different keys


def test_the_commands(monkeypatch, capsys):
    monkeypatch.setenv("QORGAU_BACKUP_KEY", BACKUP_KEY)
    call_command("escrow", "split", "QORGAU_BACKUP_KEY", "--threshold", "2", "--shares", "4")
    out = capsys.readouterr().out
    shares = [line.split(": ", 1)[1] for line in out.splitlines() if line.strip().startswith("share")]
    assert len(shares) == 4 and "any 2 of these 4 shares" in out
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{shares[3]}\n\n{shares[1]}\n"))
    call_command("escrow", "recover")
    assert capsys.readouterr().out.strip() == BACKUP_KEY
    monkeypatch.setattr(sys, "stdin", io.StringIO(shares[0]))
    with pytest.raises(CommandError, match="do not recover"):
        call_command("escrow", "recover")
    monkeypatch.delenv("QORGAU_BACKUP_KEY")
    with pytest.raises(CommandError, match="not set"):
        call_command("escrow", "split", "QORGAU_BACKUP_KEY")
