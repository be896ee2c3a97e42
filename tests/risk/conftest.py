"""Fixtures for the risk engine's tests: instrument files written to a temporary directory."""

import copy

import pytest
import yaml
from tests.risk.helpers import VALID


@pytest.fixture
def valid_data():
    return copy.deepcopy(VALID)


@pytest.fixture
def instrument_dir(tmp_path, settings):
    """An empty instrument directory that replaces the shipped ones; returns a writer."""
    root = tmp_path / "instruments"
    root.mkdir()
    settings.QORGAU_INSTRUMENT_DIRS = [root]

    def write(data, instrument_id=None, version=None, raw=None, root_dir=root):
        instrument_id = instrument_id or (data or {}).get("id", "tiny")
        version = version or (data or {}).get("version", 1)
        path = root_dir / instrument_id / f"{version}.yaml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            raw if raw is not None else yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
        )
        return path

    write.root = root
    return write
