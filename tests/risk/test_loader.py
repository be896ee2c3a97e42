"""The loader refuses every kind of bad instrument file, naming the file and the problem; the
shipped files are valid; `qorgau instruments check` and `qorgau check` fail on a bad file."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from tests.risk.helpers import text

from qorgau.risk.checks import check_instruments, check_settings
from qorgau.risk.levels import RiskLevel
from qorgau.risk.loader import InstrumentError, available_instruments, check_all, get_instrument, load_file


def refused(instrument_dir, data=None, raw=None, **where) -> str:
    path = instrument_dir(data, raw=raw, **where)
    with pytest.raises(InstrumentError) as caught:
        load_file(path)
    message = str(caught.value)
    assert message.startswith(str(path) + ": "), message
    return message


def test_the_shipped_instruments_are_valid(settings):
    assert check_all() == []
    shipped = {i.id: i for i in available_instruments()}
    assert {k: len(v.items) for k, v in shipped.items()} == {
        "checklist-24": 24,
        "danger-screen-11": 11,
        "danger-weighted-20": 20,
    }
    assert all(i.source for i in shipped.values())
    weighted = shipped["danger-weighted-20"]
    assert weighted.placeholder_weights and {i.weight for i in weighted.items} == {1}
    for instrument in shipped.values():
        for item in instrument.items:
            assert set(item.text) == {"kk", "ru", "en"}


def test_a_valid_file_loads(instrument_dir, valid_data):
    instrument = load_file(instrument_dir(valid_data))
    assert (instrument.id, instrument.version, len(instrument.items)) == ("tiny", 1, 4)
    assert [lv.scale for lv in instrument.levels] == [RiskLevel.STANDARD, RiskLevel.MEDIUM, RiskLevel.HIGH]
    assert instrument.item("q3").number == 3


def test_unknown_keys_are_refused_at_every_level(instrument_dir, valid_data):
    valid_data["colour"] = "red"
    valid_data["items"][1]["wieght"] = 2
    valid_data["rules"][0]["bands"][0]["lvl"] = "low"
    message = refused(instrument_dir, valid_data)
    assert "unknown key 'colour'" in message
    assert "items[2]: unknown key 'wieght'" in message
    assert "rules[1].bands[1]: unknown key 'lvl'" in message


def test_missing_required_keys_are_refused(instrument_dir, valid_data):
    del valid_data["source"], valid_data["max_unknown"]
    message = refused(instrument_dir, valid_data)
    assert "missing required key 'source'" in message
    assert "missing required key 'max_unknown'" in message


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_a_missing_translation_is_refused(instrument_dir, valid_data, lang):
    del valid_data["items"][2]["text"][lang]
    assert f"items[3].text: missing the {lang} translation" in refused(instrument_dir, valid_data)


def test_an_empty_translation_or_unknown_language_is_refused(instrument_dir, valid_data):
    valid_data["title"]["ru"] = "   "
    valid_data["levels"][0]["label"]["de"] = "Niedrig"
    message = refused(instrument_dir, valid_data)
    assert "title: missing the ru translation" in message
    assert "levels[1]: unknown language 'de'" in message


def test_duplicate_item_ids_are_refused(instrument_dir, valid_data):
    valid_data["items"][3]["id"] = "q1"
    assert "items[4]: duplicate item id 'q1'" in refused(instrument_dir, valid_data)


def test_a_yaml_key_given_twice_is_refused(instrument_dir, valid_data):
    import yaml

    raw = yaml.safe_dump(valid_data, allow_unicode=True) + "max_unknown: 0\n"
    assert "key 'max_unknown' appears twice" in refused(instrument_dir, raw=raw)


def test_rules_referring_to_unknown_items_or_levels_are_refused(instrument_dir, valid_data):
    valid_data["rules"] += [
        {"type": "trigger", "items": ["q1", "q9"], "level": "top"},
        {"type": "k_of", "items": ["q1", "q2"], "k": 1, "level": "sky"},
    ]
    valid_data["rules"][0]["bands"][2]["level"] = "summit"
    message = refused(instrument_dir, valid_data)
    assert "rules[2].items: unknown item 'q9'" in message
    assert "rules[3].level: unknown level 'sky'" in message
    assert "rules[1].bands[3].level: unknown level 'summit'" in message


def test_k_larger_than_its_items_and_unknown_rule_types_are_refused(instrument_dir, valid_data):
    valid_data["rules"] += [
        {"type": "k_of", "items": ["q1", "q2"], "k": 3, "level": "top"},
        {"type": "average", "items": ["q1"]},
    ]
    message = refused(instrument_dir, valid_data)
    assert "rules[2].k: 3 is more than the rule's 2 items" in message
    assert "rules[3]: type must be one of count, weighted, trigger, k_of" in message


@pytest.mark.parametrize(
    ("bands", "problem"),
    [
        ([(1, 1, "low"), (2, None, "top")], "gap: score 0 has no band"),
        ([(2, 2, "low"), (3, None, "top")], "gap: scores 0–1 have no band"),
        ([(0, 1, "low"), (3, None, "top")], "gap: score 2 has no band"),
        ([(0, 1, "low"), (4, None, "top")], "gap: scores 2–3 have no band"),
        ([(0, 1, "low"), (2, 3, "top")], "gap: score 4 has no band"),
        ([(0, 2, "low"), (2, None, "top")], "overlap: bands 0–2 and 2+ share scores"),
        ([(0, None, "low"), (3, None, "top")], "overlap: bands 0+ and 3+ share scores"),
        ([(0, 1, "mid"), (2, None, "low")], "band 2+ gives a lower level than band 0–1"),
        ([(0, 3, "low"), (2, 1, "top")], "max 1 is below min 2"),
    ],
)
def test_overlapping_gapped_or_inverted_bands_are_refused(instrument_dir, valid_data, bands, problem):
    valid_data["rules"][0]["bands"] = [
        {"min": lo, "level": lv} | ({} if hi is None else {"max": hi}) for lo, hi, lv in bands
    ]
    assert problem in refused(instrument_dir, valid_data)


def test_bad_numbers_are_refused(instrument_dir, valid_data):
    valid_data["items"][0]["weight"] = -2
    valid_data["items"][1]["weight"] = True  # YAML "yes" must not become a weight of 1
    valid_data["max_unknown"] = 4
    message = refused(instrument_dir, valid_data)
    assert "items[1].weight: must be a whole number of at least 0" in message
    assert "items[2].weight: must be a whole number of at least 0" in message
    assert "max_unknown: must be below the number of items (4)" in message


def test_levels_must_climb_the_shared_scale(instrument_dir, valid_data):
    valid_data["levels"][2]["scale"] = "medium"
    valid_data["levels"][1]["scale"] = "severe"
    message = refused(instrument_dir, valid_data)
    assert "levels[2]: scale must be one of standard, medium, high, extreme" in message


def test_levels_out_of_order_are_refused(instrument_dir, valid_data):
    valid_data["levels"][2]["scale"] = "standard"
    assert "levels[3]: levels must be listed from the lowest" in refused(instrument_dir, valid_data)


def test_the_file_must_sit_where_its_id_and_version_say(instrument_dir, valid_data):
    assert "id: 'tiny' does not match the directory 'other'" in refused(
        instrument_dir, valid_data, instrument_id="other"
    )
    assert "version: 1 does not match the file name '2.yaml'" in refused(
        instrument_dir, valid_data, version=2
    )


def test_broken_or_empty_yaml_is_refused(instrument_dir):
    assert "not valid YAML" in refused(instrument_dir, raw="id: [unclosed\n", instrument_id="tiny", version=1)
    assert "the file is empty" in refused(instrument_dir, raw="", instrument_id="tiny", version=1)
    assert "must be a mapping" in refused(instrument_dir, raw="- a list\n", instrument_id="tiny", version=1)


def test_check_all_finds_stray_files_and_versions_defined_twice(
    instrument_dir, valid_data, tmp_path, settings
):
    instrument_dir(valid_data)
    (instrument_dir.root / "loose.yaml").write_text("id: loose\n")
    second = tmp_path / "operator"
    settings.QORGAU_INSTRUMENT_DIRS = [instrument_dir.root, second]
    instrument_dir(valid_data, root_dir=second)
    problems = [str(e) for e in check_all()]
    assert any("loose.yaml: instrument files must be named <id>/<version>.yaml" in p for p in problems)
    assert any("version 1 of tiny is also defined in" in p for p in problems)
    with pytest.raises(InstrumentError, match="version 1 is also defined in"):
        get_instrument("tiny")


def test_an_operator_directory_adds_instruments(instrument_dir, valid_data, tmp_path, settings):
    instrument_dir(valid_data)
    operator = tmp_path / "operator"
    settings.QORGAU_INSTRUMENT_DIRS = [instrument_dir.root, operator]
    other = valid_data | {"id": "local", "title": text("Local")}
    instrument_dir(other, root_dir=operator)
    assert [i.id for i in available_instruments()] == ["local", "tiny"]


def test_a_bad_newest_version_is_left_out_of_the_choice_not_crashing_it(instrument_dir, valid_data, caplog):
    instrument_dir(valid_data)
    instrument_dir({"id": "broken"}, instrument_id="broken", version=1)
    assert [i.id for i in available_instruments()] == ["tiny"]
    assert "broken" in caplog.text


def test_the_check_command_exits_non_zero_naming_the_bad_file(instrument_dir, valid_data):
    instrument_dir(valid_data)
    out = io.StringIO()
    call_command("instruments", "check", stdout=out)
    assert "instruments valid: 1 file(s)" in out.getvalue()

    valid_data["items"][1]["id"] = "q1"
    bad = instrument_dir(valid_data | {"version": 2})
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 bad instrument file"):
        call_command("instruments", "check", stdout=io.StringIO(), stderr=err)
    assert f"{bad}: items[2]: duplicate item id 'q1'" in err.getvalue()


def test_the_list_command_shows_the_newest_versions(settings):
    out = io.StringIO()
    call_command("instruments", "list", stdout=out)
    assert "checklist-24\tversion 1\t24 items" in out.getvalue()


def test_system_checks_refuse_a_bad_file_and_bad_settings(instrument_dir, valid_data, settings):
    instrument_dir(valid_data)
    assert check_instruments() == []
    instrument_dir({"id": "broken"}, instrument_id="broken", version=1)
    (error,) = check_instruments()
    assert error.id == "risk.E001" and "broken/1.yaml" in error.msg

    assert check_settings() == []
    settings.QORGAU_REASSESS_DAYS = {"high": 7, "medium": 30, "standard": 60}
    settings.QORGAU_CONFERENCE_REPEAT_MONTHS = 0
    assert [e.id for e in check_settings()] == ["risk.E002", "risk.E003"]
