"""The citizen's copy of their data as one zip: the exchange file, the plan and the access log."""

from __future__ import annotations

import io
import json
import zipfile

from exports.cells import csv_text
from exports.word_plan import build_plan_docx
from models.formatting import format_moment
from models.rights import CitizenCopy

README_DA = """Dine oplysninger i Samplan

data.json      Alt, hvad Samplan har om dig, i udvekslingsformatet samplan/1.
plan.docx      Jeres fælles plan, som teamet ser den (med noter og uløste behov).
adgangslog.csv Hvem der har set eller ændret dine oplysninger, og hvornår.
"""


def build_citizen_copy_zip(copy: CitizenCopy) -> bytes:
    # Through exports.cells like every spreadsheet: a user's name is typed text.
    log = csv_text(
        [["tidspunkt", "bruger", "handling", "udfald"]]
        + [[format_moment(entry.at), entry.user_name or "", entry.action, entry.outcome]
           for entry in copy.access_log]
    )  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("LÆS MIG.txt", README_DA)
        archive.writestr("data.json", json.dumps(copy.document, ensure_ascii=False, indent=2))
        archive.writestr("plan.docx", build_plan_docx(copy.plan, variant="team"))
        archive.writestr("adgangslog.csv", "\ufeff" + log)  # BOM: Excel reads UTF-8
    return buffer.getvalue()
