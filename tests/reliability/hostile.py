"""The hostile inputs (issue 8, point 4): one table, used by the bad-input, rendering and audit tests.

Each case: (kind, id, value). Text cases go into every free-text field; date and score cases into
date and score fields. The JS payloads set `window.__samplan_pwned`: the browser test checks it
stays undefined. Remote hosts are under .invalid (RFC 6761), so nothing can ever answer.
"""

from __future__ import annotations

from dataclasses import dataclass

PWNED_FLAG = "__samplan_pwned"
EVIL_HOST = "evil.samplan.invalid"


@dataclass(frozen=True)
class Hostile:
    kind: str
    id: str
    value: object


TEXTS: tuple[Hostile, ...] = (
    # control characters: Word files and terminals choke on them
    Hostile("control", "c0", "Ditte\x01\x02\x07\x08 klokke"),
    Hostile("control", "vt-ff", "før\x0b\x0cefter"),
    Hostile("control", "ansi-escape", "\x1b[31mRØD\x1b[0m \x1b]0;titel\x07"),
    Hostile("control", "c1-del", "a\x7fb\x85c\x9fd"),
    # lone surrogates: not encodable as UTF-8 at all
    Hostile("surrogate", "high", "halv \ud800 surrogat"),
    Hostile("surrogate", "low", "\udfff"),
    Hostile("surrogate", "reversed-pair", "x\udc00\ud800y"),
    # NUL: PostgreSQL refuses it in text
    Hostile("nul", "inside", "Dit\x00te"),
    Hostile("nul", "only", "\x00"),
    Hostile("nul", "many", "\x00" * 300 + "slut"),
    # size: one megabyte on one line, and 10,000 lines
    Hostile("huge", "1mb", "æ" * 1_000_000),
    Hostile("huge", "10k-lines", "\n".join(f"linje {n}" for n in range(10_000))),
    Hostile("huge", "10k-crlf", "x\r\n" * 10_000),
    # HTML and JavaScript
    Hostile("html", "script", f"<script>window.{PWNED_FLAG}=1</script>"),
    Hostile("html", "img-onerror", f'<img src=x onerror="window.{PWNED_FLAG}=1">'),
    Hostile("html", "iframe", f'</div><iframe src="https://{EVIL_HOST}/f"></iframe>'),
    Hostile("html", "svg-onload", f"<svg onload=window.{PWNED_FLAG}=1></svg>"),
    Hostile("html", "entities", "<b>fed</b> &amp; &lt;tag&gt; &#x3C;"),
    # Markdown: javascript: links, remote images, Streamlit directives
    Hostile("markdown", "js-link", f"[Klik her](javascript:window.{PWNED_FLAG}=1)"),
    Hostile("markdown", "remote-image", f"![spor](https://{EVIL_HOST}/pixel.png)"),
    Hostile("markdown", "autolink", f"<javascript:window.{PWNED_FLAG}=1> og <https://{EVIL_HOST}/>"),
    Hostile("markdown", "reference-link", f"[a][r]\n\n[r]: javascript:window.{PWNED_FLAG}=1"),
    Hostile("markdown", "streamlit-directives", ":red[farvet] **fed** $x^2$ :material/home: # Overskrift"),
    Hostile("markdown", "html-in-md", f'*kursiv* <a href="javascript:window.{PWNED_FLAG}=1">link</a>'),
    # right-to-left overrides and isolates (a name that displays as something else)
    Hostile("rtl", "override", "Ditte \u202egnp.exe"),
    Hostile("rtl", "isolates", "abc\u2066\u2067def\u2069\u202a\u202b\u202c"),
    Hostile("rtl", "real-rtl", "مرحبا שלום \u200f"),  # genuine right-to-left text must survive
    # log-line injection in names
    Hostile("log", "newline", "Ditte\n2024-01-01 12:00:00 INFO login ok user=admin"),
    Hostile("log", "crlf", "Ditte\r\nERROR forged entry"),
    Hostile("log", "unicode-separators", "Ditte\u2028INFO forged\u2029\u0085next"),
    Hostile("log", "format-strings", "%s %(name)s {0} {__class__} ${jndi:ldap://x}"),
    # odd but legal: must survive verbatim
    Hostile("unicode", "emoji-combining", "👩🏽‍🦱 e\u0301 Ǆ ﬁ 🌱"),
    Hostile("unicode", "zero-width", "Dit\u200bte\ufeff"),
)

DATES: tuple[Hostile, ...] = (
    Hostile("date", "feb-30", "2023-02-30"),
    Hostile("date", "month-13", "2024-13-01"),
    Hostile("date", "year-0", "0000-01-01"),
    Hostile("date", "danish-order", "31-12-2024"),
    Hostile("date", "nonsense", "i går"),
    Hostile("date", "nul", "2024-01-01\x00"),
    Hostile("date", "huge", "2" * 100_000),
    Hostile("date", "number", 20240101),
)

SCORES: tuple[Hostile, ...] = (
    Hostile("score", "minus-one", -1),
    Hostile("score", "eleven", 11),
    Hostile("score", "eleven-text", "11"),
    Hostile("score", "word", "fem"),
    Hostile("score", "float", 5.5),
    Hostile("score", "huge", 10**30),
    Hostile("score", "bool", True),
    Hostile("score", "none", None),
    Hostile("score", "nul", "5\x00"),
)

ALL = TEXTS + DATES + SCORES
KINDS = sorted({case.kind for case in ALL})


def ids(cases: tuple[Hostile, ...]) -> list[str]:
    return [f"{case.kind}-{case.id}" for case in cases]


# Short, renderable texts for seeding pages (no megabyte strings on a screen).
RENDERABLE: tuple[Hostile, ...] = tuple(c for c in TEXTS if c.kind not in ("huge",))
