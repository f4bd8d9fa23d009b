"""Reading a .docx the way Word draws it, for the accessibility tests (issue 18).

A run's colour is its own w:color, else its character style's, else its paragraph style's (up
the basedOn chain), else the table style's conditional formatting for the header row, else the
document defaults, else black. Its background is the cell's shading, else the table style's,
else the paragraph's shading, else white. A theme colour counts as unknown (Word would draw the
theme's colour, not the w:val this check reads), and unknown fails the check.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.oxml.ns import qn

WHITE = "FFFFFF"
BLACK = "000000"


def luminance(hex_colour: str) -> float:
    def channel(value: int) -> float:
        c = value / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (0, 2, 4))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(foreground: str, background: str) -> float:
    """WCAG 2.1 contrast ratio, 1.0 to 21.0."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


@dataclass(frozen=True)
class RunLook:
    text: str
    colour: str  # six hex digits, or "theme:<name>" when Word would use a theme colour
    background: str
    bold: bool
    italic: bool
    size: float  # points
    style: str  # the paragraph style's name
    in_header_row: bool


class Styles:
    def __init__(self, document: docx.document.Document) -> None:
        root = document.styles.element
        self.by_id = {s.get(qn("w:styleId")): s for s in root.findall(qn("w:style"))}
        defaults = root.find(qn("w:docDefaults"))
        path = qn("w:rPrDefault") + "/" + qn("w:rPr")
        self.default_rpr = defaults.find(path) if defaults is not None else None

    def chain(self, style_id: str | None) -> list:
        found = []
        while style_id and style_id in self.by_id and len(found) < 20:
            style = self.by_id[style_id]
            found.append(style)
            based = style.find(qn("w:basedOn"))
            style_id = based.get(qn("w:val")) if based is not None else None
        return found

    def default_paragraph_style(self) -> str | None:
        for style_id, style in self.by_id.items():
            if style.get(qn("w:type")) == "paragraph" and style.get(qn("w:default")) in ("1", "true"):
                return style_id
        return None


def _colour_of(rpr) -> str | None:
    if rpr is None:
        return None
    colour = rpr.find(qn("w:color"))
    if colour is None:
        return None
    theme = colour.get(qn("w:themeColor"))
    if theme:
        return f"theme:{theme}"
    value = colour.get(qn("w:val"))
    return BLACK if value in (None, "auto") else value.upper()


def _flag(rpr, tag: str) -> bool | None:
    if rpr is None:
        return None
    element = rpr.find(qn(tag))
    if element is None:
        return None
    return element.get(qn("w:val")) not in ("0", "false")


def _size(rpr) -> float | None:
    if rpr is None:
        return None
    element = rpr.find(qn("w:sz"))
    return None if element is None else int(element.get(qn("w:val"))) / 2


def _fill(element) -> str | None:
    if element is None:
        return None
    shading = element.find(qn("w:shd"))
    if shading is None:
        return None
    fill = shading.get(qn("w:fill"))
    if shading.get(qn("w:themeFill")):
        return f"theme:{shading.get(qn('w:themeFill'))}"
    return None if fill in (None, "auto") else fill.upper()


def _table_style_first_row(styles: Styles, table) -> tuple[object, object]:
    """The table style's header-row formatting: (rPr, tcPr), either may be None."""
    style = table.find(qn("w:tblPr") + "/" + qn("w:tblStyle"))
    for candidate in styles.chain(style.get(qn("w:val")) if style is not None else None):
        for conditional in candidate.findall(qn("w:tblStylePr")):
            if conditional.get(qn("w:type")) == "firstRow":
                return conditional.find(qn("w:rPr")), conditional.find(qn("w:tcPr"))
    return None, None


def run_looks(document: docx.document.Document) -> list[RunLook]:
    """Every run with visible text in the body, with its effective colour, background and size."""
    styles = Styles(document)
    default_style = styles.default_paragraph_style()
    looks = []
    body = document.element.body
    for paragraph in body.iter(qn("w:p")):
        p_style_element = paragraph.find(qn("w:pPr") + "/" + qn("w:pStyle"))
        p_style_id = p_style_element.get(qn("w:val")) if p_style_element is not None else default_style
        p_chain = styles.chain(p_style_id)
        style_name = p_chain[0].find(qn("w:name")).get(qn("w:val")) if p_chain else ""
        cell = next((a for a in paragraph.iterancestors(qn("w:tc"))), None)
        row = next((a for a in paragraph.iterancestors(qn("w:tr"))), None)
        table = next((a for a in paragraph.iterancestors(qn("w:tbl"))), None)
        header = row is not None and row.find(qn("w:trPr") + "/" + qn("w:tblHeader")) is not None
        first_row = table is not None and row is table.find(qn("w:tr"))
        table_rpr, table_tcpr = _table_style_first_row(styles, table) if first_row else (None, None)
        cell_fill = _fill(cell.find(qn("w:tcPr"))) if cell is not None else None
        background = cell_fill or _fill(table_tcpr) or _fill(paragraph.find(qn("w:pPr"))) or WHITE
        for run in paragraph.iter(qn("w:r")):
            text = "".join(t.text or "" for t in run.iter(qn("w:t")))
            if not text.strip():
                continue
            rpr = run.find(qn("w:rPr"))
            r_style = rpr.find(qn("w:rStyle")) if rpr is not None else None
            sources = [rpr]
            character_style = r_style.get(qn("w:val")) if r_style is not None else None
            sources += [s.find(qn("w:rPr")) for s in styles.chain(character_style)]
            sources += [s.find(qn("w:rPr")) for s in p_chain]
            sources += [table_rpr, styles.default_rpr]

            def first(read, sources=sources):
                return next((v for v in (read(s) for s in sources) if v is not None), None)

            looks.append(RunLook(
                text=text,
                colour=first(_colour_of) or BLACK,
                background=background,
                bold=bool(first(lambda s: _flag(s, "w:b"))),
                italic=bool(first(lambda s: _flag(s, "w:i"))),
                size=first(_size) or 10.0,
                style=style_name,
                in_header_row=header,
            ))  # fmt: skip
    return looks


def languages(document: docx.document.Document) -> set[str]:
    """Every w:lang value in the styles, the defaults and the body."""
    found = set()
    for root in (document.styles.element, document.element.body):
        for element in root.iter(qn("w:lang")):
            value = element.get(qn("w:val"))
            if value:
                found.add(value)
    return found


def default_language(document: docx.document.Document) -> str | None:
    element = document.styles.element.find(
        "/".join(qn(t) for t in ("w:docDefaults", "w:rPrDefault", "w:rPr", "w:lang"))
    )
    return None if element is None else element.get(qn("w:val"))


def pdf_text(data: bytes, name: str) -> str:
    """The document as LibreOffice lays it out, read back with pdftotext -layout."""
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"{name}.docx"
        source.write_bytes(data)
        profile = Path(folder) / "profile"
        subprocess.run(
            ["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
             "--convert-to", "pdf", "--outdir", folder, str(source)],
            check=True, capture_output=True, timeout=180,
        )  # fmt: skip
        pdf = Path(folder) / f"{name}.pdf"
        result = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True)
        return result.stdout.decode("utf-8")
