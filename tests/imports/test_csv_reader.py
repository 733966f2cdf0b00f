"""Reading uploaded CSV sheets: delimiters, encodings, line endings, quoting, blank lines and text cells."""

from pathlib import Path

import pytest

from imports.services.csv_reader import CsvReadError, read_csv

FIXTURES = Path(__file__).parent / "fixtures" / "csv"


def test_comma_sheet_rows_and_lines():
    sheet = read_csv((FIXTURES / "assets.csv").read_bytes())
    assert sheet.headers == ["Type", "Name", "Description", "Contractor"]
    assert [line for line, _ in sheet.rows] == [2, 3, 4]
    assert sheet.rows[0][1]["Name"] == "Cassette Player"


def test_semicolon_sheet_same_rows():
    comma = read_csv((FIXTURES / "assets.csv").read_bytes())
    semicolon = read_csv((FIXTURES / "assets_other_delimiter.csv").read_bytes())
    assert [row for _, row in semicolon.rows] == [row for _, row in comma.rows]


def test_bom_semicolon_crlf():
    content = (FIXTURES / "shots_excel_bom_semicolon_crlf.csv").read_bytes()
    assert content.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in content
    sheet = read_csv(content)
    assert sheet.headers[0] == "Sequence"
    assert len(sheet.rows) == 5
    assert sheet.rows[0][1]["Description"] == "Ouverture – plan large sur la ville"
    assert sheet.rows[2][1]["Description"] == "Contrechamp, la porte s'ouvre"


def test_leading_zeros_kept():
    sheet = read_csv((FIXTURES / "shots_leading_zeros.csv").read_bytes())
    names = [(row["Sequence"], row["Name"]) for _, row in sheet.rows]
    assert ("010", "001") in names
    assert ("010", "0100") in names
    assert ("020", "1") in names


def test_blank_lines_skipped_lines_counted():
    sheet = read_csv(b"Type,Name\n\nProp,A\n\n\nProp,B\n")
    assert sheet.rows == [(3, {"Type": "Prop", "Name": "A"}), (6, {"Type": "Prop", "Name": "B"})]


def test_broken_01_fixture_blank_line():
    sheet = read_csv((FIXTURES / "assets_broken_01.csv").read_bytes())
    assert [row["Name"] for _, row in sheet.rows] == ["Cassette Player", "Wood Stick", "Victor"]


def test_quoted_multiline_cell():
    sheet = read_csv(b'Name;Description\r\nA;"two\r\nlines; quoted"\r\nB;plain\r\n')
    assert sheet.rows[0] == (2, {"Name": "A", "Description": "two\r\nlines; quoted"})
    assert sheet.rows[1] == (4, {"Name": "B", "Description": "plain"})


def test_short_row_padded():
    sheet = read_csv(b"Type,Name,Description\nProp,A\n")
    assert sheet.rows[0][1]["Description"] == ""


def test_other_encoding_rejected():
    content = "Type,Name\nProp,Léa\n".encode("latin-1")
    with pytest.raises(CsvReadError) as caught:
        read_csv(content)
    assert "UTF-8" in caught.value.message
    assert caught.value.line == 2


def test_no_delimiter_rejected():
    with pytest.raises(CsvReadError) as caught:
        read_csv(b"Name\nA\n")
    assert caught.value.message.startswith("Could not determine delimiter")
    assert caught.value.line is None


def test_empty_file_rejected():
    with pytest.raises(CsvReadError):
        read_csv(b"\n\n")


def test_missing_column_named():
    sheet = read_csv((FIXTURES / "assets_broken_03.csv").read_bytes())
    with pytest.raises(CsvReadError) as caught:
        sheet.require("Name", "Type")
    assert "'Name'" in caught.value.message
    assert caught.value.line == 1


def test_assignations_named_after_task_type():
    sheet = read_csv(b"Name,Layout,Assignations,Animation,Assignations\nSH1,wip,Ann Lee,todo,Bob Ray\n")
    assert sheet.headers == ["Name", "Layout", "Layout assignations", "Animation", "Animation assignations"]
    assert sheet.rows[0][1]["Layout assignations"] == "Ann Lee"
    assert sheet.rows[0][1]["Animation assignations"] == "Bob Ray"
