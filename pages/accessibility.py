"""Tilgængelighedserklæring: the accessibility statement, open to everyone (issue 18).

The fields of Digitaliseringsstyrelsen's template (the EU model statement): who commits to what,
the conformance status, what is not accessible and the alternatives, how the statement was made
and when, feedback and contact, the complaint route, the last review. The municipality's facts
come from its settings file (models/accessibility_statement.py); everything else from the catalogue.
"""

import streamlit as st

from models.accessibility_statement import COMPLAINT_URL, load_statement_settings
from ui.i18n import t
from ui.safe import escape_markdown, show_text
from ui.widgets import day

settings = load_statement_settings()
missing_fact = t("a11y.not_given")

st.title(t("a11y.title"), anchor=False)
if settings.missing:
    st.warning(
        t("a11y.missing", fields=", ".join(t(f"a11y.field.{name}") for name in settings.missing)), icon="⚠️"
    )
st.markdown(
    escape_markdown(
        t(
            "a11y.commitment",
            organisation=settings.organisation or missing_fact,
            website=settings.website or "Samplan",
        )
    )
)

st.subheader(t("a11y.status_title"), anchor=False)
st.markdown(t("a11y.status"))

st.subheader(t("a11y.problems_title"), anchor=False)
st.markdown(t("a11y.problems_intro"))
for number in range(1, 7):
    with st.container(key=f"a11y-problem-{number}"):
        st.markdown(f"**{t(f'a11y.problem{number}.what')}**")
        st.markdown(t(f"a11y.problem{number}.alternative"))

st.subheader(t("a11y.method_title"), anchor=False)
prepared = day(settings.prepared_on) if settings.prepared_on else missing_fact
reviewed = day(settings.reviewed_on) if settings.reviewed_on else missing_fact
st.markdown(t("a11y.method"))
st.markdown(escape_markdown(t("a11y.prepared_on", date=prepared)))
st.markdown(escape_markdown(t("a11y.reviewed_on", date=reviewed)))

st.subheader(t("a11y.contact_title"), anchor=False)
st.markdown(escape_markdown(t("a11y.contact", organisation=settings.organisation or missing_fact)))
with st.container(key="a11y-contact"):
    show_text(t("a11y.email", email=settings.email or missing_fact))
    show_text(t("a11y.phone", phone=settings.phone or missing_fact))
st.caption(t("a11y.no_sensitive"))

st.subheader(t("a11y.complaint_title"), anchor=False)
st.markdown(t("a11y.complaint"))
st.link_button(t("a11y.complaint_link"), COMPLAINT_URL)
