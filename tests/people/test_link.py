"""`qorgau people link`: the file contract, the pairs, and the errors that name the line. These
tests have no database access at all (pytest-django refuses it): the link touches none."""

import csv

import pytest
from django.core.management import CommandError, call_command

HEADER = "record_id,given_name,surname,patronymic,birth_date,sex,iin,phone,region_code\n"
A = HEADER + (
    "a1,Айгүл,Жандосова,Қайратқызы,1990-03-11,F,,77000000101,75\n"
    "a2,Дана,Жандосова,Қайратқызы,1994-07-02,F,,77000000101,75\n"
    "a3,Мария,Иванова,,1970-01-01,F,,,71\n"
    "a4,Ерлан,Сейтов,,1980-05-05,M,,,71\n"
)
B = HEADER + (
    "b1,AIGUL,ZHANDOSOVA,KAIRATOVNA,1990-11-03,F,,,75\n"
    "b2,Maria,Ivanova,,1970-01-01,F,,,71\n"
    "b3,Aizhan,Zhandosova,,1991-01-09,F,,77000000101,\n"
)


def write(tmp_path, name, text, encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding) if isinstance(text, str) else text)
    return str(path)


def run(tmp_path, a=A, b=B, *extra):
    out = tmp_path / "pairs.csv"
    call_command(
        "people",
        "link",
        write(tmp_path, "a.csv", a),
        write(tmp_path, "b.csv", b),
        "--out",
        str(out),
        "--no-progress",
        *extra,
    )
    with open(out, newline="", encoding="utf-8") as stream:
        return list(csv.reader(stream))


def test_pairs_are_written_one_to_one_and_relatives_stay_apart(tmp_path):
    rows = run(tmp_path)
    assert rows[0] == ["id_a", "id_b", "probability"]
    pairs = {(r[0], r[1]) for r in rows[1:]}
    assert pairs == {("a1", "b1"), ("a3", "b2")}  # b3 is a sister sharing the phone: not a2, not a1
    assert all(0.5 <= float(r[2]) <= 1 for r in rows[1:])


def test_explain_adds_the_reasons(tmp_path):
    rows = run(tmp_path, A, B, "--explain")
    assert rows[0][-1] == "reasons"
    reasons = {r[0]: r[3] for r in rows[1:]}
    assert "birth date with day and month swapped" in reasons["a1"]


def test_threshold_sets_the_cut(tmp_path):
    assert len(run(tmp_path, A, B, "--threshold", "0.99999999")) < len(run(tmp_path))


def test_iins_keep_their_leading_zero_and_a_transposition_still_links(tmp_path):
    from datetime import date

    from qorgau.core.iin import make_iin

    iin = make_iin(date(2001, 2, 3), "F", 42)
    assert iin.startswith("0")
    swapped = iin[:8] + iin[9] + iin[8] + iin[10:]
    a = HEADER + f"x,Сая,Нұрланова,,,F,{iin},,\n"
    b = HEADER + f"y,Saya,Nurlanova,,,F,{swapped},,\n"
    rows = run(tmp_path, a, b, "--explain")
    assert rows[1][:2] == ["x", "y"]


@pytest.mark.parametrize(
    ("a", "message"),
    [
        ("id,name\n1,x\n", "line 1: the header must be exactly"),
        (HEADER + "a1,Айгүл,Жандосова\n", "line 2: 3 columns, 9 expected"),
        (
            HEADER + "a1,Айгүл,Жандосова,,1990-03-11,F,,,\na2,Дана,Жандосова,,11.03.1990,F,,,\n",
            "line 3: birth_date 11.03.1990",
        ),
        (HEADER + "a1,Айгүл,Жандосова,,1990-02-30,F,,,\n", "line 2: birth_date 1990-02-30"),
        (HEADER + "a1,,Жандосова,,,F,,,\n", "line 2: given_name is empty"),
        (HEADER + "a1,Айгүл,Жандосова,,,W,,,\n", "line 2: sex must be F, M or empty"),
        (
            HEADER + "a1,Айгүл,Жандосова,,,F,,,\na1,Дана,Жандосова,,,F,,,\n",
            "line 3: record_id a1 appears twice",
        ),
        ("", "is empty"),
    ],
)
def test_bad_files_name_the_line_and_write_nothing(tmp_path, a, message):
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match=message):
        call_command(
            "people",
            "link",
            write(tmp_path, "a.csv", a),
            write(tmp_path, "b.csv", B),
            "--out",
            str(out),
            "--no-progress",
        )
    assert not out.exists() and list(tmp_path.glob("*.part")) == []


def test_broken_encoding_names_the_line(tmp_path):
    data = (HEADER + "a1,Айгүл,Жандосова,,,F,,,\n").encode() + "a2,Дана,Жандосова,,,F,,,\n".encode("cp1251")
    out = tmp_path / "pairs.csv"
    with pytest.raises(CommandError, match=r"line 3: not UTF-8"):
        call_command(
            "people",
            "link",
            write(tmp_path, "a.csv", data),
            write(tmp_path, "b.csv", B),
            "--out",
            str(out),
            "--no-progress",
        )
    assert not out.exists()


def test_a_missing_file_is_a_message(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command(
            "people",
            "link",
            str(tmp_path / "nope.csv"),
            write(tmp_path, "b.csv", B),
            "--out",
            str(tmp_path / "o.csv"),
        )
