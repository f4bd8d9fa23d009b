"""`samplan` end to end: real processes on a temporary SQLite file (SAMPLAN_DATABASE_URL).

Each process costs about a second, so the journeys below combine steps; behaviour that needs
no separate process (argument errors, hidden tracebacks) is tested by calling main() directly.
"""

import getpass
import importlib.util
import json
import os
import re
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

import cli
from models import db
from models.demo import ditte_document
from models.exchange import validate_document
from models.exchange2 import validate2
from models.migrate import upgrade_database

ROOT = Path(__file__).resolve().parent.parent
SAMPLAN_SCRIPT = Path(sys.executable).parent / "samplan"
PASSWORD = "korrekt-hest-batteri"


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A path for a database no one has created yet, and the environment that points at it."""
    path = tmp_path / "data" / "samplan.db"
    url = f"sqlite:///{path}"
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", url)
    yield path
    engine = db._engines.pop(url, None)
    if engine is not None:
        engine.dispose()


def samplan(*args, stdin=None, entry="module"):
    """Run the command as a person would; `entry="script"` uses the installed console script."""
    command = [str(SAMPLAN_SCRIPT)] if entry == "script" else [sys.executable, "-m", "cli"]
    result = subprocess.run(
        [*command, *map(str, args)],
        cwd=ROOT,
        env=dict(os.environ),
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "Traceback" not in result.stdout + result.stderr  # never, whatever happened
    return result


def count(path, table):
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_init_user_import_export_backup_journey(database, tmp_path):
    example = tmp_path / "ditte.json"
    example.write_text(json.dumps(ditte_document(), ensure_ascii=False), encoding="utf-8")

    result = samplan("init", entry="script")
    assert result.returncode == 0, result.stderr
    assert database.exists()

    result = samplan(
        "user", "add", "rasmus", "--name", "Rasmus Holm", "--email", "rasmus.holm@kommune.example",
        "--role", "staff", "--password-stdin", stdin=PASSWORD + "\n",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Bruger oprettet: rasmus (staff)."

    result = samplan("import", example)
    assert result.returncode == 0, result.stderr
    match = re.fullmatch(r"(\d+)\tDitte Mikkelsen\n", result.stdout)
    assert match, result.stdout
    ditte_id = int(match.group(1))
    assert count(database, "team_membership") == 1  # Rasmus's account joined Ditte's team

    broken = ditte_document()
    broken["citizens"][0]["actions"][2]["owner"] = "p404"
    broken["citizens"][0]["goals"][0]["created_on"] = "2026-02-30"
    broken["citizens"].append(copy_of_ditte_with_new_name("Anden Borger"))
    (tmp_path / "broken.json").write_text(json.dumps(broken), encoding="utf-8")
    before = count(database, "citizen"), count(database, "person")
    result = samplan("import", tmp_path / "broken.json")
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "citizens[0].goals[0].created_on: »2026-02-30« er ikke en gyldig dato. "
        "Skriv ÅÅÅÅ-MM-DD, fx 2026-11-22.",
        "citizens[0].actions[2].owner: Ingen person har ref »p404«.",
        "Filen blev ikke indlæst (2 fejl ovenfor). Intet er gemt.",
    ]
    assert (count(database, "citizen"), count(database, "person")) == before  # not even the valid one

    result = samplan("export", "--citizen", ditte_id, "--format", "samplan/1", "--out", tmp_path / "one.json")
    assert result.returncode == 0, result.stderr
    one = json.loads((tmp_path / "one.json").read_text("utf-8"))
    assert validate_document(one) == []
    assert [c["name"] for c in one["citizens"]] == ["Ditte Mikkelsen"]
    assert oct((tmp_path / "one.json").stat().st_mode & 0o777) == "0o600"  # personal data

    result = samplan("export", "--all", "--out", tmp_path / "all.json")
    assert result.returncode == 0, result.stderr
    everyone = json.loads((tmp_path / "all.json").read_text("utf-8"))
    assert everyone["format"] == "samplan/2" and validate2(everyone) == []  # the default: everything
    words = [g["own_words"] for g in one["citizens"][0]["goals"]]
    assert [g["own_words"] for g in everyone["citizens"][0]["goals"]] == words

    result = samplan("export", "--citizen", ditte_id, "--format", "docx", "--out", tmp_path / "plan.docx")
    if word_export_exists():
        assert result.returncode == 0, result.stderr
        assert (tmp_path / "plan.docx").read_bytes()[:2] == b"PK"  # a zip, as .docx files are
    else:  # another issue builds exports/word_plan.py
        assert result.returncode == 1
        assert result.stderr.strip() == (
            "Word-eksporten er ikke tilgængelig i denne version endnu. Brug --format json."
        )

    result = samplan("backup", tmp_path / "backup" / "samplan.db")
    assert result.returncode == 2  # a typo in a folder name creates no folders
    assert result.stderr.strip() == (
        f"Mappen »{tmp_path / 'backup'}« findes ikke. Opret den først (fx mkdir -p "
        f"{tmp_path / 'backup'}), eller vælg en anden mappe. Intet er skrevet."
    )
    (tmp_path / "backup").mkdir()
    result = samplan("backup", tmp_path / "backup" / "samplan.db")
    assert result.returncode == 0, result.stderr
    with closing(sqlite3.connect(tmp_path / "backup" / "samplan.db")) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert copy.execute("SELECT name FROM citizen").fetchall() == [("Ditte Mikkelsen",)]

    result = samplan("backup", database)  # the live database itself: refused, and it survives
    assert result.returncode == 2
    assert "Samplans egen database" in result.stderr
    assert integrity_and_names(database) == ["Ditte Mikkelsen"]

    result = samplan("demo")  # never into a database with real users and citizens
    assert result.returncode == 1
    assert "uden borgere" in result.stderr
    assert count(database, "citizen") == 1

    # Everything that touched citizens' data is audited, user NULL: the command line.
    assert audit_rows(database) == [
        ("user.create", None, None),
        ("team.link", None, ditte_id),
        ("citizen.import", None, ditte_id),
        ("citizen.export_json", None, ditte_id),
        ("citizen.export_json", None, ditte_id),
        *([("plan.export_docx", None, ditte_id)] if word_export_exists() else []),
        ("backup.create", None, None),
    ]


def audit_rows(path):
    with closing(sqlite3.connect(path)) as conn:
        return conn.execute(
            "SELECT action, user_id, citizen_id FROM audit_event WHERE outcome = 'ok' ORDER BY id"
        ).fetchall()


def integrity_and_names(path):
    with closing(sqlite3.connect(path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return [name for (name,) in conn.execute("SELECT name FROM citizen ORDER BY id")]


def copy_of_ditte_with_new_name(name):
    citizen = ditte_document()["citizens"][0]
    return {**citizen, "ref": "c2", "name": name}


def word_export_exists():
    return importlib.util.find_spec("exports.word_plan") is not None and hasattr(
        importlib.import_module("exports.word_plan"), "build_plan_docx"
    )


def test_demo_on_a_fresh_installation_then_again_changes_nothing(database):
    first = samplan("demo")
    assert first.returncode == 0, first.stderr
    lines = first.stdout.splitlines()
    assert lines[0] == (
        "Demodata indlæst: 41 borgere. Brugere: rasmus, mette, jonas, sofie, peter, anne, demo-admin."
    )
    password = re.fullmatch(r"Fælles adgangskode til demobrugerne \(vises kun nu\): (\S+)", lines[1])
    assert password and len(password.group(1)) >= 10
    citizens, users = count(database, "citizen"), count(database, "user_account WHERE is_active")
    assert (citizens, users) == (41, 7)
    # Besides the seven who can log in: the relational coordination survey's fictional colleagues
    # (issue 24), deactivated accounts that answered the demo's two rounds.
    assert count(database, "user_account WHERE NOT is_active") == 30

    second = samplan("demo")
    assert second.returncode == 0, second.stderr
    assert second.stdout.strip() == "Demodata er allerede indlæst – intet er ændret."
    assert (count(database, "citizen"), count(database, "user_account")) == (citizens, users + 30)


# --- in-process: parsing and error handling -------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        [],  # no command
        ["export", "--out", "x.json"],  # neither --citizen nor --all
        ["export", "--citizen", "1", "--all", "--out", "x.json"],  # both
        ["export", "--citizen", "en", "--out", "x.json"],  # not a number
        ["export", "--citizen", "1", "--format", "pdf", "--out", "x.json"],
        ["user", "add", "bo", "--name", "Bo", "--role", "root", "--password-stdin"],
    ],
)
def test_wrong_use_is_one_danish_line_and_exit_code_2(argv, capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(argv)
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "Forkert brug" in err and "Traceback" not in err


def test_word_export_of_everyone_is_refused(database, capsys):
    assert cli.main(["export", "--all", "--format", "docx", "--out", "x.docx"]) == 2
    assert "én borger ad gangen" in capsys.readouterr().err


def test_an_unexpected_error_shows_one_sentence_and_the_traceback_only_with_debug(
    tmp_path, monkeypatch, capsys
):
    blocker = tmp_path / "file"
    blocker.write_text("")  # a file where the database folder should be
    monkeypatch.setenv("SAMPLAN_DATABASE_URL", f"sqlite:///{blocker}/sub/samplan.db")
    assert cli.main(["import", str(blocker)]) == 1
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("Noget gik galt")
    assert "Traceback" not in err
    assert cli.main(["--debug", "import", str(blocker)]) == 1
    assert "Traceback" in capsys.readouterr().err


def test_a_refusal_names_the_field_and_the_file(database, tmp_path, capsys, monkeypatch):
    assert cli.main(["import", str(tmp_path / "findes-ikke.json")]) == 1
    missing = tmp_path / "findes-ikke.json"
    assert capsys.readouterr().err.strip() == f"Filen »{missing}« findes ikke eller kan ikke læses."
    cli.main(["init"])
    capsys.readouterr()
    monkeypatch.setattr("sys.stdin", _Stdin(PASSWORD + "\n"))
    assert cli.main(["user", "add", "bo", "--name", " ", "--role", "staff", "--password-stdin"]) == 1
    assert capsys.readouterr().err.strip() == "Feltet »navn« skal udfyldes."


def test_password_prompt_must_match_twice(database, monkeypatch, capsys):
    cli.main(["init"])
    answers = iter([PASSWORD, PASSWORD + "x"])
    monkeypatch.setattr(getpass, "getpass", lambda _prompt: next(answers))
    assert cli.main(["user", "add", "bo", "--name", "Bo", "--role", "staff"]) == 1
    assert "ikke ens" in capsys.readouterr().err
    assert count(database, "user_account") == 0


class _Stdin:
    def __init__(self, text):
        self._text = text

    def readline(self):
        return self._text


# --- files the command line writes (models.safe_output) ---------------------------------

OLD = b"last night's file\n"


@pytest.fixture
def running(database, monkeypatch):
    """The configured SQLite database with Ditte in it, held open in WAL mode the way the
    running app holds it (so its -wal and -shm files exist)."""
    from models.admin_data import import_exchange_file

    upgrade_database(f"sqlite:///{database}")
    outcome = import_exchange_file(actor=None, data=json.dumps(ditte_document()).encode(), limit=None)
    assert outcome.problems == ()
    app = sqlite3.connect(database)
    app.execute("SELECT count(*) FROM citizen").fetchone()
    assert Path(f"{database}-wal").exists()
    yield outcome.citizens[0].id
    app.close()


def _symlink(tmp_path, to):
    link = tmp_path / "latest.db"
    link.symlink_to(to)
    return link


def _existing(tmp_path, _database):
    existing = tmp_path / "existing.out"
    existing.write_bytes(OLD)
    return existing


# (why, the target given tmp_path and the database path, the message's first words)
REFUSED_TARGETS = [
    ("the live database", lambda tmp, db_path: db_path, "»"),
    ("its -wal", lambda tmp, db_path: f"{db_path}-wal", "»"),
    ("its -shm", lambda tmp, db_path: f"{db_path}-shm", "»"),
    ("its -journal (not there now, but SQLite would replay it)", lambda tmp, db_path: f"{db_path}-journal",
     "»"),
    ("the live database by a relative path (the tests run in the project folder)",
     lambda tmp, db_path: os.path.relpath(db_path), "»"),
    ("a symlink to the live database", lambda tmp, db_path: _symlink(tmp, db_path), "»"),
    ("a folder", lambda tmp, db_path: tmp, "»"),
    ("a folder that does not exist", lambda tmp, db_path: tmp / "mangler" / "x.out", "Mappen"),
    ("an existing file without --force", _existing, "Filen"),
]
REFUSED_KEYS = {
    "the live database": "egen database", "its -wal": "egen database", "its -shm": "egen database",
    "its -journal (not there now, but SQLite would replay it)": "egen database",
    "the live database by a relative path (the tests run in the project folder)": "egen database",
    "a symlink to the live database": "egen database", "a folder": "er en mappe",
    "a folder that does not exist": "findes ikke", "an existing file without --force": "--force",
}
COMMANDS = [
    ("backup", lambda target, cid: ["backup", target]),
    ("export --all", lambda target, cid: ["export", "--all", "--out", target]),
    ("export --citizen", lambda target, cid: ["export", "--citizen", cid, "--out", target]),
    ("export docx", lambda target, cid: ["export", "--citizen", cid, "--format", "docx", "--out", target]),
]


@pytest.mark.parametrize(("command", "argv"), COMMANDS, ids=[c[0] for c in COMMANDS])
@pytest.mark.parametrize(
    ("case", "make", "starts"), REFUSED_TARGETS, ids=[case[0] for case in REFUSED_TARGETS]
)
def test_a_refused_target_is_exit_2_in_danish_and_nothing_changes(
    running, database, tmp_path, capsys, command, argv, case, make, starts
):
    target = make(tmp_path, database)
    audits = audit_rows(database)
    folder = sorted(tmp_path.iterdir())
    for force in ([], ["--force"]) if case != "an existing file without --force" else ([],):
        assert cli.main([*map(str, argv(target, running)), *force]) == 2
        err = capsys.readouterr().err.strip()
        assert err.startswith(starts) and REFUSED_KEYS[case] in err and err.endswith("Intet er skrevet.")
        assert "Traceback" not in err
    db._engines.pop(f"sqlite:///{database}").dispose()  # the app restarts
    assert integrity_and_names(database) == ["Ditte Mikkelsen"]
    assert audit_rows(database) == audits  # nothing was exported or backed up
    assert sorted(tmp_path.iterdir()) == folder  # no temporary file left behind
    if case == "an existing file without --force":
        assert target.read_bytes() == OLD


@pytest.mark.parametrize(("command", "argv"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_force_replaces_an_existing_file(running, database, tmp_path, capsys, command, argv):
    target = _existing(tmp_path, database)
    assert cli.main([*map(str, argv(target, running)), "--force"]) == 0, capsys.readouterr().err
    data = target.read_bytes()
    assert data != OLD and data[:2] in (b"SQ", b"{\n", b"PK")  # SQLite, JSON or .docx (a zip)
    assert oct(target.stat().st_mode & 0o777) == "0o600"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data", "existing.out"]


@pytest.mark.parametrize(("command", "argv"), COMMANDS, ids=[c[0] for c in COMMANDS])
def test_a_crash_mid_write_leaves_no_partial_file_and_no_temporary_file(
    running, database, tmp_path, capsys, monkeypatch, command, argv
):
    from models import backup, safe_output

    def crash_halfway(path, data):
        path.write_bytes(data[: len(data) // 2])
        raise RuntimeError("disk pulled out")

    monkeypatch.setattr(safe_output, "_write_bytes", crash_halfway)
    monkeypatch.setattr(backup, "_copy_sqlite", lambda source, partial: crash_halfway(partial, b"SQLite" * 9))
    assert cli.main([*map(str, argv(tmp_path / "new.out", running))]) == 1
    assert capsys.readouterr().err.strip().startswith("Noget gik galt")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]
    assert integrity_and_names(database) == ["Ditte Mikkelsen"]


def test_backup_leaves_an_audit_row_and_the_help_offers_force(running, database, tmp_path, capsys):
    assert cli.main(["backup", str(tmp_path / "b.db")]) == 0
    assert audit_rows(database)[-1] == ("backup.create", None, None)
    for command in (["backup", "--help"], ["export", "--help"]):
        with pytest.raises(SystemExit):
            cli.main(command)
        assert "--force" in capsys.readouterr().out


# Addresses the forms refuse, so the import must too: each would reach the .ics as ATTENDEE.
HOSTILE_EMAILS = [
    "a@x.example,mailto:evil@evil.example",  # a second attendee after a comma
    "a@x.example,evil.example",  # a comma without a second @ (the old form rule let it through)
    "a@x.example;mailto:evil@evil.example",  # a semicolon: a list separator in mail headers
    "a@x.example\nATTENDEE:mailto:evil@evil.example",  # a new line: a new property
    "mailto:evil@evil.example",  # a URI scheme inside the address
    "a@x.example?cc=evil%40evil.example",  # mailto header fields: a hidden CC
    '"a,b"@x.example',  # quoting
    "Eva <evil@evil.example>",  # a display name around another address
]


@pytest.mark.parametrize("email", HOSTILE_EMAILS)
@pytest.mark.parametrize("where", ["email", "people.0.email"], ids=["citizen", "person"])
def test_import_refuses_an_address_the_forms_refuse_and_imports_nothing(
    database, tmp_path, capsys, email, where
):
    doc = ditte_document()
    node = doc["citizens"][0]
    *parents, name = where.split(".")
    for part in parents:
        node = node[int(part)] if part.isdigit() else node[part]
    node[name] = email
    (tmp_path / "in.json").write_text(json.dumps(doc), encoding="utf-8")
    assert cli.main(["import", str(tmp_path / "in.json")]) == 2
    lines = capsys.readouterr().err.splitlines()
    path = "citizens[0]." + where.replace(".0.", "[0].")
    assert lines[0].startswith(f"{path}: »") and lines[0].endswith("« er ikke en gyldig e-mailadresse.")
    assert "\n" not in lines[0] and lines[-1].endswith("Intet er gemt.")
    assert count(database, "citizen") == 0 and count(database, "person") == 0


@pytest.mark.parametrize(("flags", "leader"), [(["--leader"], 1), ([], 0)])
def test_user_add_can_make_a_leader_and_audits_it(database, monkeypatch, capsys, flags, leader):
    cli.main(["init"])
    monkeypatch.setattr("sys.stdin", _Stdin(PASSWORD + "\n"))
    args = ["user", "add", "mette", "--name", "Mette Leder", "--role", "staff", "--password-stdin"]
    assert cli.main([*args, *flags]) == 0
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT is_leader FROM user_account").fetchall() == [(leader,)]
        granted = conn.execute(
            "SELECT user_id FROM audit_event WHERE action = 'user.leader_granted'"
        ).fetchall()
    assert granted == ([(None,)] if leader else [])  # the command line acts without a user


# --- issue 19: a missing database, import twice, help in the catalogue's language -------


def test_every_command_migrates_a_database_that_does_not_exist_yet(database, tmp_path):
    """The import migrates first (it used to die on a missing table and leave an empty file)."""
    example = tmp_path / "ditte.json"
    example.write_text(json.dumps(ditte_document(), ensure_ascii=False), encoding="utf-8")
    assert not database.exists()
    result = samplan("import", example)
    assert result.returncode == 0, result.stderr
    assert re.fullmatch(r"1\tDitte Mikkelsen\n", result.stdout)
    with closing(sqlite3.connect(database)) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchall()


@pytest.mark.parametrize(
    "argv",
    [
        ["export", "--all", "--out", "-"],  # read-only: nothing to read
        ["export", "--citizen", "1", "--format", "docx", "--out", "-"],
        ["backup", "backup.db"],
    ],
)
def test_a_read_only_command_on_a_missing_database_says_what_to_run(
    database, tmp_path, capsys, argv, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 1
    err = capsys.readouterr().err
    assert err.strip() == (
        f"Databasen {database} findes ikke endnu, så der er intet at læse. Kør »samplan init« "
        "(en tom database) eller »samplan demo« (med demodata) først."
    )
    assert not database.exists() and not database.parent.exists()  # no file, no folder
    assert not (tmp_path / "backup.db").exists()


def test_importing_the_same_file_twice_is_refused_then_updated_or_copied(database, tmp_path):
    example = tmp_path / "ditte.json"
    example.write_text(json.dumps(ditte_document(), ensure_ascii=False), encoding="utf-8")
    assert samplan("import", example).returncode == 0

    again = samplan("import", example)
    assert again.returncode == 1 and again.stdout == ""
    assert again.stderr.splitlines() == [
        "Filen indeholder 1 borger, der allerede er indlæst:",
        "  - Ditte Mikkelsen (født 14.03.2001) er allerede borger 1",
        "Intet er gemt. Kør igen med --update for at opdatere dem med filens oplysninger, eller med "
        "--as-new for med vilje at indlæse dem som nye borgere (kopier).",
    ]
    assert count(database, "citizen") == 1

    newer = ditte_document()
    newer["citizens"][0]["goals"][1]["own_words"] = "Jeg vil kunne tage bussen alene."
    (tmp_path / "newer.json").write_text(json.dumps(newer, ensure_ascii=False), encoding="utf-8")
    updated = samplan("import", tmp_path / "newer.json", "--update")
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.splitlines() == [
        "1\tDitte Mikkelsen\topdateret",
        "\t- Mål 2: ordene er ændret (de tidligere ord står i historikken).",
    ]
    with closing(sqlite3.connect(database)) as conn:
        old = conn.execute("SELECT old_value FROM correction WHERE column_name = 'own_words'").fetchall()
    assert old == [("Jeg vil have styr på min angst, så jeg kan tage bussen alene.",)]
    assert count(database, "citizen") == 1

    copied = samplan("import", example, "--as-new")
    assert copied.returncode == 0 and copied.stdout == "2\tDitte Mikkelsen\n"
    assert samplan("import", example, "--update", "--as-new").returncode == 2  # one or the other


def test_help_and_usage_errors_are_danish(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    assert out.startswith("brug: samplan")
    for english in ("usage:", "positional arguments", "options:", "show this help"):
        assert english not in out
    assert "tilvalg:" in out and "vis denne hjælp og afslut" in out and "kommandoer:" in out
    for command in (["import"], ["export"], ["user", "add"], ["backup"], ["init"]):
        with pytest.raises(SystemExit):
            cli.main([*command, "--help"])
        text = capsys.readouterr().out
        assert text.startswith(f"brug: samplan {' '.join(command)}") and "show this help" not in text
    with pytest.raises(SystemExit):
        cli.main([])
    assert capsys.readouterr().err == (
        "samplan: Forkert brug: disse argumenter mangler: KOMMANDO. Se »samplan --help«.\n"
    )
    with pytest.raises(SystemExit):
        cli.main(["export", "--citizen", "1", "--format", "pdf", "--out", "x"])
    assert "ugyldigt valg: 'pdf' (vælg mellem 'json', 'samplan/1', 'docx', 'fhir')" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({"SAMPLAN_LANG": "en"}, "en"),
        ({"LANG": "en_GB.UTF-8"}, "en"),  # the locale says English
        ({"LC_ALL": "da_DK.UTF-8", "LANG": "en_US.UTF-8"}, "da"),  # LC_ALL wins, as in C
        ({"LANG": "C.UTF-8"}, "da"),  # no language: Danish, the default
        ({"SAMPLAN_LANG": "da", "LANG": "en_US.UTF-8"}, "da"),
    ],
)
def test_the_language_follows_samplan_lang_then_the_locale(environ, lang):
    from models.cli_argparse import cli_language

    assert cli_language(environ) == lang


def test_help_is_english_with_the_english_locale(monkeypatch, capsys):
    monkeypatch.setenv("SAMPLAN_LANG", "en")
    with pytest.raises(SystemExit):
        cli.main(["import", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("usage: samplan import") and "--as-new" in out and "indlæs" not in out
    with pytest.raises(SystemExit):
        cli.main([])
    assert "the following arguments are required: COMMAND" in capsys.readouterr().err
    import argparse

    assert argparse._("options") == "options"  # argparse itself is left as it was
