"""Reading an uploaded CSV sheet into rows of text cells, with the line each row starts on.

Spreadsheets save CSV in several shapes: `,` or `;` as delimiter, with or without
a UTF-8 byte order mark, with Windows line endings. Every cell stays text, so
`001` is not turned into `1`.
"""

import csv
import io
from dataclasses import dataclass

DELIMITERS = ",;"
# The Episode cell of the assets that belong to no episode (the main pack) in TV show sheets.
MAIN_PACK = "MP"
SNIFF_SAMPLE_CHARS = 64 * 1024


class CsvReadError(Exception):
    """The file cannot be read as a CSV sheet. `line` is the file line at fault, or None for the whole file."""

    def __init__(self, message, *, line=None):
        super().__init__(message)
        self.message = message
        self.line = line


class RowError(Exception):
    """A bad cell in a data row: the row is skipped and reported with its `column`."""

    def __init__(self, message, *, column=None):
        super().__init__(message)
        self.message = message
        self.column = column


@dataclass
class CsvSheet:
    """The header cells and the data rows of a sheet, each row as `(line, {header: cell})`."""

    headers: list
    rows: list

    def require(self, *names):
        """Raise CsvReadError on the header line when one of the `names` columns is missing."""
        for name in names:
            if name not in self.headers:
                raise CsvReadError(f"A column is missing: {name!r}.", line=1)


def decode_csv(content):
    """Return the text of a UTF-8 file (a byte order mark is dropped); raise CsvReadError for other encodings."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = content[: error.start].count(b"\n") + 1
        raise CsvReadError(
            f"The file is not UTF-8 text (invalid byte at line {line}): save it as 'CSV UTF-8' and send it again.",
            line=line,
        ) from None


def sniff_delimiter(text):
    """Return `,` or `;`, whichever the file uses; raise CsvReadError when it uses neither."""
    try:
        return csv.Sniffer().sniff(text[:SNIFF_SAMPLE_CHARS], delimiters=DELIMITERS).delimiter
    except csv.Error:
        pass
    # The sniffer gives up on some valid files (few rows, quoted cells): count on the header line instead.
    header = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    counts = {delimiter: header.count(delimiter) for delimiter in DELIMITERS}
    best = max(counts, key=counts.get)
    if counts[best] == 0:
        raise CsvReadError("Could not determine delimiter: separate the columns with ',' or ';'.")
    return best


def named_assignations(headers):
    """Rename each `Assignations` header after the task type column it follows: `Layout assignations`.

    The asset, shot and edit exports write an `Assignations` column after each
    task type's status column, so the names repeat and a row read as a dict
    would keep only the last one.
    """
    named = []
    for header in headers:
        if header.lower() == "assignations" and named:
            header = f"{named[-1]} assignations"
        named.append(header)
    return named


def read_csv(content):
    """Parse the bytes of an uploaded CSV file into a CsvSheet; blank lines are skipped.

    Each row's line is the file line it starts on, the header being line 1, as a
    spreadsheet numbers them. Cells are stripped of surrounding spaces.
    """
    text = decode_csv(content)
    if not text.strip():
        raise CsvReadError("The file is empty: it needs a header line and at least one row.", line=1)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    headers = None
    rows = []
    previous_end = 0
    try:
        for cells in reader:
            start = previous_end + 1
            previous_end = reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            cells = [cell.strip() for cell in cells]
            if headers is None:
                headers = named_assignations(cells)
                continue
            padded = cells + [""] * (len(headers) - len(cells))
            rows.append((start, dict(zip(headers, padded, strict=False))))
    except csv.Error as error:
        message = f"The file is not valid CSV at line {reader.line_num}: {error}."
        raise CsvReadError(message, line=reader.line_num) from None
    if headers is None:
        raise CsvReadError("The file is empty: it needs a header line and at least one row.", line=1)
    return CsvSheet(headers=headers, rows=rows)
