"""The README's `samplan` block, run top to bottom on a fresh database: every command exits 0.

The block is read from README.md itself (the first ```sh block under "## The `samplan`
command"), so an edit that breaks the journey breaks this test. It runs as one bash script, the
way a person pastes it, in an empty folder (the files land in its out/), with the password
typed on standard input for `read -rs PASSWORD`; after each line the script notes the line's
number, and a failing line stops it (`set -e -o pipefail`) and names itself.
"""

import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import POSTGRES_ADMIN_URL

ROOT = Path(__file__).resolve().parent.parent
SAMPLAN = Path(sys.executable).parent / "samplan"
PASSWORD = "korrekt-hest-batteri"


def readme_block() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## The `samplan` command", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block, "no ```sh block in the README's samplan section"
    return [line for line in block.group(1).splitlines() if line.strip() and not line.startswith("#")]


def test_the_block_is_what_a_person_would_run():
    lines = readme_block()
    assert lines[0].startswith("mkdir -p out") and any("samplan demo" in line for line in lines)
    commands = [line for line in lines if "samplan " in line]
    # every file the block writes lands in out/, never in the checkout's root
    for line in commands:
        command = line.split(" #")[0]
        for value in re.findall(r"(?:--out|samplan backup)\s+(\S+)", command):
            assert value.startswith("out/"), line
    assert "out/" in (ROOT / ".gitignore").read_text("utf-8").split()


def test_the_readme_samplan_block_runs_top_to_bottom(tmp_path, db_url):
    lines = readme_block()
    script = ["set -e -o pipefail", "trap 'echo \"FAILED: $BASH_COMMAND\" >&2' ERR"]
    for number, line in enumerate(lines, start=1):
        script += [line.replace(".venv/bin/samplan", shlex.quote(str(SAMPLAN))), f"echo '::ran {number}'"]
    work = tmp_path / "work"
    work.mkdir()
    env = dict(os.environ)
    if not POSTGRES_ADMIN_URL:  # SQLite: a database file nobody has created yet
        env["SAMPLAN_DATABASE_URL"] = f"sqlite:///{tmp_path}/fresh/samplan.db"
    env.pop("SAMPLAN_LANG", None)
    result = subprocess.run(
        ["bash", "-c", "\n".join(script)],
        cwd=work, env=env, input=PASSWORD + "\n", capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    ran = re.findall(r"^::ran (\d+)$", result.stdout, re.M)
    assert result.returncode == 0, (result.stderr, lines[len(ran)] if len(ran) < len(lines) else None)
    assert ran == [str(n) for n in range(1, len(lines) + 1)]

    # what the journey promised: Ditte once (updated, not doubled), the files in out/
    assert "\tDitte Mikkelsen\topdateret" in result.stdout
    everyone = json.loads((work / "out" / "all.json").read_text("utf-8"))
    assert [c["name"] for c in everyone["citizens"]].count("Ditte Mikkelsen") == 1
    written = sorted(p.name for p in (work / "out").iterdir())
    assert written == ["all.json", "backup.db", "ditte.docx", "ditte.json"]
    assert "Bruger oprettet: birgit (admin)." in result.stdout
