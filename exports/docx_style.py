"""What every Word document Samplan writes has in common: A4, the reader's language, readable
colours, real headings, dates on one line and tables whose header repeats on every page.

python-docx's default template says en-US everywhere, colours its headings and quotes with the
theme's pale accent (#4F81BD, 4.0:1 on white) and names nothing Danish. Both documents (the plan
and the invitation letter) go through `prepare_document`, so what a screen reader, a spelling
checker and a reader with low vision meet is decided here once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from docx.document import Document as DocumentType
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.styles.style import ParagraphStyle
from docx.table import _Cell, _Row

from models.i18n import translate

FONT = "Calibri"
INK = RGBColor(0x00, 0x00, 0x00)  # the citizen's own words: the strongest text (21:1)
TEXT = RGBColor(0x1A, 0x1A, 0x1A)  # body text (17:1)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)  # headings, rules and table headers (8.6:1 on white)
QUIET = RGBColor(0x44, 0x44, 0x44)  # the one line of printing details (9.7:1)
HEADER_TEXT = RGBColor(0xFF, 0xFF, 0xFF)  # on ACCENT: 8.6:1
HEADING_SIZES = {1: 18, 2: 14, 3: 12.5}
NO_BREAK_SPACE = "\u00a0"
NO_BREAK_HYPHEN = "\u2011"


# What follows w:pBdr inside w:pPr (the schema's order; Word rejects a file that breaks it).
_AFTER_BORDERS = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap",
                  "w:overflowPunct", "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi",
                  "w:adjustRightInd", "w:snapToGrid", "w:spacing", "w:ind", "w:contextualSpacing",
                  "w:mirrorIndents", "w:suppressOverlap", "w:jc", "w:textDirection",
                  "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId", "w:cnfStyle",
                  "w:rPr", "w:sectPr", "w:pPrChange")  # fmt: skip


@dataclass(frozen=True)
class CitizenStyles:
    """Names of the paragraph styles for the citizen's words (in the reader's language)."""

    goal: str
    words: str


def language_tag(lang: str) -> str:
    """The document language Word and screen readers expect: da-DK, or en-GB for English."""
    return "en-GB" if lang == "en" else "da-DK"


def on_one_line(text: str) -> str:
    """A date or a time as one unbreakable word: "1. december 2026" never splits over lines."""
    return text.replace(" ", NO_BREAK_SPACE).replace("-", NO_BREAK_HYPHEN)


def prepare_document(
    doc: DocumentType,
    *,
    lang: str,
    title: str,
    margin: Cm,
    body_size: float,
    subject: str = "",
    keywords: str = "",
) -> CitizenStyles:
    """A4 pages, the reader's language, the house fonts and colours, and the core properties.

    Returns the names of the two paragraph styles for the citizen's own words."""
    for section in doc.sections:
        section.page_width, section.page_height = Cm(21.0), Cm(29.7)  # not US Letter
        section.left_margin = section.right_margin = margin
        section.top_margin = section.bottom_margin = Cm(2.0)
    tag = language_tag(lang)
    _set_language(doc, tag)
    normal = doc.styles["Normal"]
    _font(normal, size=body_size, color=TEXT)
    for level, size in HEADING_SIZES.items():
        heading = doc.styles[f"Heading {level}"]
        _font(heading, size=size, color=ACCENT, bold=True)
        heading.paragraph_format.keep_with_next = True  # type: ignore[attr-defined]
    for name in ("Quote", "Intense Quote", "Title", "Subtitle", "Caption"):
        # Not used on purpose; if a later change uses them, they are at least readable.
        _font(doc.styles[name], color=TEXT)
    styles = CitizenStyles(goal=translate("docs.goal_style", lang), words=translate("docs.words_style", lang))
    _citizen_styles(doc, styles, body_size)
    props = doc.core_properties
    props.title = title
    props.subject = subject
    props.keywords = keywords
    props.language = tag
    props.author = props.last_modified_by = "Samplan"
    props.comments = ""
    return styles


def _set_language(doc: DocumentType, tag: str) -> None:
    """The language on the document defaults and on every style that names one (en-US in the
    template), so no paragraph is proofread or read aloud as English by accident."""
    root = doc.styles.element
    defaults = root.find(qn("w:docDefaults"))
    targets = []
    if defaults is None:
        defaults = OxmlElement("w:docDefaults")
        root.insert(0, defaults)
    for tag_name in ("w:rPrDefault", "w:rPr"):  # docDefaults > rPrDefault > rPr
        found = defaults.find(qn(tag_name))
        if found is None:
            found = OxmlElement(tag_name)
            defaults.insert(0, found)
        defaults = found
    targets.append(defaults)
    targets.append(doc.styles["Normal"].element.get_or_add_rPr())
    targets.extend(rpr for rpr in root.iter(qn("w:rPr")) if rpr.find(qn("w:lang")) is not None)
    for rpr in targets:
        language = rpr.find(qn("w:lang"))
        if language is None:
            language = OxmlElement("w:lang")
            rpr.append(language)
        language.set(qn("w:val"), tag)
        language.set(qn("w:eastAsia"), tag)
        language.set(qn("w:bidi"), "ar-SA")  # right-to-left names get a right-to-left proofing language


def _font(style: object, *, size: float | None = None, color: RGBColor, bold: bool | None = None) -> None:
    font = style.font  # type: ignore[attr-defined]
    font.name = FONT
    if size is not None:
        font.size = Pt(size)
    font.color.rgb = color  # also drops the theme colour Word would otherwise prefer
    color_element = style.element.rPr.find(qn("w:color"))  # type: ignore[attr-defined]
    for attribute in ("w:themeColor", "w:themeShade", "w:themeTint"):
        color_element.attrib.pop(qn(attribute), None)
    if bold is not None:
        font.bold = bold
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()  # type: ignore[attr-defined]
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:cstheme", "w:eastAsiaTheme"):
        fonts.attrib.pop(qn(attribute), None)


def _citizen_styles(doc: DocumentType, names: CitizenStyles, body_size: float) -> None:
    """The citizen's goals: larger, bold, black, upright, with a rule on the left — the strongest
    text on the page. Other words of the citizen's: upright and black, with the same rule."""
    for name, size, bold in ((names.goal, body_size + 3, True), (names.words, body_size, False)):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        assert isinstance(style, ParagraphStyle)
        style.base_style = doc.styles["Normal"]
        _font(style, size=size, color=INK, bold=bold)
        style.font.italic = False
        style.paragraph_format.left_indent = Cm(0.5)
        style.paragraph_format.space_before = Pt(4)
        style.paragraph_format.space_after = Pt(8)
        _left_rule(style)


def _left_rule(style: ParagraphStyle) -> None:
    borders = OxmlElement("w:pBdr")
    left = OxmlElement("w:left")
    for attribute, value in (("w:val", "single"), ("w:sz", "24"), ("w:space", "8"), ("w:color", str(ACCENT))):
        left.set(qn(attribute), value)
    borders.append(left)
    style.element.get_or_add_pPr().insert_element_before(borders, *_AFTER_BORDERS)


def header_row(row: _Row, labels: Iterable[str], add_run: object) -> None:
    """A table's header: white bold text on the dark accent, repeated on every page."""
    for cell, label in zip(row.cells, labels, strict=True):
        shade(cell, ACCENT)
        run = add_run(cell.paragraphs[0], label, bold=True)  # type: ignore[operator]
        run.font.color.rgb = HEADER_TEXT
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)
    cant_split = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(cant_split)


def shade(cell: _Cell, color: RGBColor) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), str(color))
    cell._tc.get_or_add_tcPr().append(shading)
