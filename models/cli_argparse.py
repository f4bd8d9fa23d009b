"""argparse in the catalogue's language: `samplan --help`, usage lines and usage errors.

argparse looks its own words up through gettext, by calling the module-level name
`argparse._` (and `argparse.ngettext`) at the moment it needs them ("usage: ", "options",
"the following arguments are required: %s", ...). CatalogueParser puts a function that answers
from locales/*.toml there while it builds, parses or formats, and puts the old one back after,
so nothing else in the process is changed for longer than a call. Words argparse has that the
catalogue lacks stay English (a newer Python may add some).

The language: SAMPLAN_LANG ("da" or "en"), otherwise the locale's (LC_ALL, LC_MESSAGES, LANG:
"en_GB.UTF-8" is English), otherwise Danish.
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar

from models.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

T = TypeVar("T")

# argparse's message ids (Python 3.11-3.13) -> catalogue keys.
MESSAGES = {
    "usage: ": "cli_argparse.usage",
    "positional arguments": "cli_argparse.positionals",
    "options": "cli_argparse.options",
    "optional arguments": "cli_argparse.options",
    "show this help message and exit": "cli_argparse.help",
    "the following arguments are required: %s": "cli_argparse.required",
    "one of the arguments %s is required": "cli_argparse.one_required",
    "not allowed with argument %s": "cli_argparse.not_allowed_with",
    "unrecognized arguments: %s": "cli_argparse.unrecognized",
    "argument %(argument_name)s: %(message)s": "cli_argparse.argument",
    "invalid choice: %(value)r (choose from %(choices)s)": "cli_argparse.invalid_choice",
    "invalid %(type)s value: %(value)r": "cli_argparse.invalid_value",
    "expected one argument": "cli_argparse.expected_one",
    "expected at most one argument": "cli_argparse.expected_at_most_one",
    "expected at least one argument": "cli_argparse.expected_at_least_one",
    "ambiguous option: %(option)s could match %(matches)s": "cli_argparse.ambiguous",
    "ignored explicit argument %r": "cli_argparse.ignored_explicit",
    "%(prog)s: error: %(message)s\n": "cli_argparse.error",
}
PLURALS = {"expected %s argument": "cli_argparse.expected_n"}


def cli_language(environ: dict[str, str] | None = None) -> str:
    env = os.environ if environ is None else environ
    chosen = env.get("SAMPLAN_LANG", "").strip().lower()
    if chosen in LANGUAGES:
        return chosen
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(name, "").strip()
        if value:  # the first one set decides, as in C's setlocale
            language = value.split("_")[0].split(".")[0].lower()
            return language if language in LANGUAGES else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


@contextmanager
def argparse_in(lang: str) -> Iterator[None]:
    """argparse's own words in `lang` for the duration of the block."""
    old_gettext, old_ngettext = argparse._, argparse.ngettext  # type: ignore[attr-defined]

    def gettext(message: str) -> str:
        key = MESSAGES.get(message)
        # %-placeholders stay as argparse wrote them, so its own `%` formatting still fits.
        return translate(key, lang) if key else old_gettext(message)

    def ngettext(singular: str, plural: str, count: int) -> str:
        key = PLURALS.get(singular)
        return translate(key, lang, count=count) if key else old_ngettext(singular, plural, count)

    argparse._ = gettext  # type: ignore[attr-defined]
    argparse.ngettext = ngettext  # type: ignore[attr-defined]
    try:
        yield
    finally:
        argparse._ = old_gettext  # type: ignore[attr-defined]
        argparse.ngettext = old_ngettext  # type: ignore[attr-defined]


class CatalogueParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks the catalogue's language; wrong use is one line, exit 2."""

    def __init__(self, *args: Any, lang: str = DEFAULT_LANGUAGE, **kwargs: Any) -> None:
        self.lang = lang
        with argparse_in(lang):
            super().__init__(*args, **kwargs)

    def _in_language(self, call: Callable[[], T]) -> T:
        with argparse_in(self.lang):
            return call()

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", type(self))
        kwargs.setdefault("title", translate("cli_argparse.commands", self.lang))
        action = self._in_language(lambda: super(CatalogueParser, self).add_subparsers(**kwargs))
        original = action.add_parser

        def add_parser(name: str, **options: Any) -> Any:
            options.setdefault("lang", self.lang)
            options.setdefault("description", options.get("help"))
            return original(name, **options)

        action.add_parser = add_parser  # type: ignore[method-assign]
        return action

    def parse_known_args(  # type: ignore[override]
        self, args: Sequence[str] | None = None, namespace: argparse.Namespace | None = None
    ) -> tuple[argparse.Namespace, list[str]]:
        return self._in_language(lambda: super(CatalogueParser, self).parse_known_args(args, namespace))

    def format_usage(self) -> str:
        return self._in_language(super().format_usage)

    def format_help(self) -> str:
        return self._in_language(super().format_help)

    def error(self, message: str) -> NoReturn:
        """One line: what is wrong and where to read how (argparse prints the whole usage)."""
        self.exit(2, f"{self.prog}: {translate('cli.usage', self.lang, message=message)}\n")
