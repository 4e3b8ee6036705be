"""Anki's plain-text card format: one card per line, `front<sep>back[<sep>tags]`, with optional
`#key:value` header lines (https://docs.ankiweb.net/importing/text-files.html)."""

from __future__ import annotations

import csv
import io
from typing import Literal

from domains.shared.errors import InvalidInput
from domains.study.model import MAX_IMPORT, Card, CardDraft, check_card

Format = Literal["csv", "tsv"]

_SEPARATORS = {
    "tab": "\t",
    "comma": ",",
    "semicolon": ";",
    "pipe": "|",
    "space": " ",
    "colon": ":",
}
_NAMES = {v: k for k, v in _SEPARATORS.items()}


def _separator(value: str, line: int) -> str:
    value = value.strip()
    if value.lower() in _SEPARATORS:
        return _SEPARATORS[value.lower()]
    if len(value) == 1:
        return value
    raise InvalidInput(f"line {line}: unknown separator {value[:20]!r}", field="text")


def parse(text: str, fmt: Format) -> list[CardDraft]:
    separator = "\t" if fmt == "tsv" else ","
    tags_column: int | None = None
    lines = text.splitlines()
    body_start = 0
    for number, line in enumerate(lines, start=1):
        if not line.startswith("#"):
            break
        body_start = number
        key, _, value = line[1:].partition(":")
        key = key.strip().lower()
        if key == "separator":
            separator = _separator(value, number)
        elif key == "tags column":
            if not value.strip().isdigit() or int(value) < 1:
                raise InvalidInput(f"line {number}: the tags column is a number", field="text")
            tags_column = int(value)
    reader = csv.reader(io.StringIO("\n".join(lines[body_start:])), delimiter=separator)
    drafts: list[CardDraft] = []
    try:
        for row in reader:
            number = body_start + reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            drafts.append(_draft(row, tags_column, number))
            if len(drafts) > MAX_IMPORT:
                raise InvalidInput(f"at most {MAX_IMPORT} cards per import", field="text")
    except csv.Error as e:
        raise InvalidInput(f"line {body_start + reader.line_num}: {e}", field="text") from None
    if not drafts:
        raise InvalidInput("the text holds no cards", field="text")
    return drafts


def _draft(row: list[str], tags_column: int | None, number: int) -> CardDraft:
    if tags_column is None and len(row) >= 3:
        tags_column = 3
    tags = row[tags_column - 1].split() if tags_column and len(row) >= tags_column else []
    fields = [cell for i, cell in enumerate(row, start=1) if i != tags_column]
    if len(fields) < 2:
        raise InvalidInput(f"line {number}: a card needs a front and a back", field="text")
    try:
        return check_card(CardDraft(front=fields[0], back=fields[1], tags=tags))
    except InvalidInput as e:
        raise InvalidInput(f"line {number}: {e.detail}", field="text") from None


def render(cards: list[Card], fmt: Format) -> str:
    separator = "\t" if fmt == "tsv" else ","
    out = io.StringIO()
    out.write(f"#separator:{_NAMES[separator]}\n#html:false\n#tags column:3\n")
    writer = csv.writer(out, delimiter=separator, lineterminator="\n")
    for card in cards:
        writer.writerow([card.front, card.back, " ".join(card.tags)])
    return out.getvalue()
