"""The survey's wording (issue 24): Samplan's own by default, replaceable per language by a
licensed municipality's file (config/relational_coordination.example.toml shows the format)."""

from __future__ import annotations

import tomllib
from pathlib import Path

from models.relational_coordination import DIMENSIONS, load_wording
from models.settings import PROJECT_ROOT

EXAMPLE = PROJECT_ROOT / "config" / "relational_coordination.example.toml"


def test_samplans_own_wording_names_the_department_in_both_languages(tmp_path: Path):
    for lang in ("da", "en"):
        wording = load_wording(lang, tmp_path / "none.toml")
        assert not wording.licensed and wording.attribution == ""
        assert all("Sundhed" in wording.question(d, "Sundhed") for d in DIMENSIONS)
        assert len(wording.scale) == 5
    assert load_wording("da", tmp_path / "none.toml").dont_know == "Ved ikke"


def test_the_example_file_replaces_what_it_gives_and_keeps_the_rest(tmp_path: Path):
    tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))  # the shipped example is valid TOML
    da, en = load_wording("da", EXAMPLE), load_wording("en", EXAMPLE)
    assert da.licensed and da.question("frequent", "Jobcenter") == "Hvor ofte ... Jobcenter ...?"
    assert da.scale[0] == "1 ..." and da.attribution.startswith("Spørgsmål")
    assert en.question("frequent", "X") == "How often ... X ...?"
    assert en.question("timely", "X") == load_wording("en", tmp_path / "none.toml").question("timely", "X")


def test_a_broken_file_or_a_wrong_scale_keeps_samplans_words(tmp_path: Path):
    broken = tmp_path / "broken.toml"
    broken.write_text("[da\nfrequent = ", encoding="utf-8")
    own = load_wording("da", tmp_path / "none.toml")
    assert load_wording("da", broken) == own
    short = tmp_path / "short.toml"
    short.write_text(
        '[da]\nscale = ["a", "b"]\nmutual_respect = "{department} {x} respekt"\n', encoding="utf-8"
    )
    wording = load_wording("da", short)
    assert wording.scale == own.scale  # five points or none
    assert (
        wording.question("mutual_respect", "Sundhed") == "Sundhed {x} respekt"
    )  # braces of its own are fine
