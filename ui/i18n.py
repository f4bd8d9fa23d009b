"""The UI's string lookup: t("key") in the language the user chose (Danish by default)."""

from __future__ import annotations

from typing import Any

import streamlit as st

from models.i18n import DEFAULT_LANGUAGE, LANGUAGES, translate

LANG_KEY = "lang"


def lang() -> str:
    chosen = st.session_state.get(LANG_KEY, DEFAULT_LANGUAGE)
    return chosen if chosen in LANGUAGES else DEFAULT_LANGUAGE


def t(key: str, **params: Any) -> str:
    return translate(key, lang(), **params)
