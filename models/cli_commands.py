"""What each `samplan` command does (cli.py parses the arguments and calls these).

Every command that opens the database brings it to the newest schema first, with the same
models.migrate.upgrade_database the app runs at start: a command on a database that does not
exist yet creates and migrates it. The commands that only read (export, backup) do not create
one: on an SQLite file that does not exist they say what to run and change nothing.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from models.errors import UserError
from models.i18n import translate


class Say:
    """The catalogue in the command line's language (cli_argparse.cli_language)."""

    lang = "da"

    @classmethod
    def t(cls, key: str, **params: object) -> str:
        return translate(key, cls.lang, **params)


def open_database(*, read_only: bool = False) -> None:
    """Migrate the configured database; a read-only command never creates an SQLite file."""
    from models.migrate import upgrade_database
    from models.safe_output import sqlite_file

    path = sqlite_file()
    if read_only and path is not None and not path.exists():
        raise UserError("cli19.no_database", path=str(path))
    upgrade_database()


def cmd_init(args: argparse.Namespace) -> int:
    open_database()
    print(Say.t("cli.init_done"))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from models.demo import load_demo

    open_database()  # so `samplan demo` alone is enough to try Samplan out
    result = load_demo()
    if result.already_loaded:
        print(Say.t("cli.demo_already"))
        return 0
    print(Say.t("cli.demo_created", citizens=result.citizens_created, users=", ".join(result.usernames)))
    print(Say.t("cli.demo_password", password=result.password))
    return 0


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UserError("cli.password_missing")
        return password
    first = getpass.getpass(Say.t("cli.password_prompt"))
    if getpass.getpass(Say.t("cli.password_again")) != first:
        raise UserError("cli.password_mismatch")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from models.leaders import set_leader_from_command_line
    from models.users import create_user

    password = read_password(args.password_stdin)
    open_database()
    with session_scope(write=True) as session:
        user = create_user(
            session=session,
            username=args.username,
            full_name=args.name,
            email=args.email,
            role=args.role,
            password=password,
        )
        if args.leader:  # in the same transaction: the account exists with its permission or not at all
            set_leader_from_command_line(session=session, username=user.username, leader=True)
    print(Say.t("cli.user_created", username=user.username, role=user.role))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from models.admin_data import import_exchange_file

    data = read_input(args.file)  # a file that cannot be read creates no database
    open_database()
    on_existing = "update" if args.update else "new" if args.as_new else "refuse"
    outcome = import_exchange_file(actor=None, data=data, limit=None, lang=Say.lang, on_existing=on_existing)
    if outcome.problems:
        for problem in outcome.problems:
            print(f"{problem.path}: {problem.message}", file=sys.stderr)
        print(Say.t("cli.import_summary", count=len(outcome.problems)), file=sys.stderr)
        return 2
    for citizen in outcome.citizens:
        if citizen.updated:
            print(f"{citizen.id}\t{citizen.name}\t{Say.t('cli19.updated')}")
            for change in citizen.changes:
                print(f"\t- {change}")
        else:
            print(f"{citizen.id}\t{citizen.name}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from models.exchange import document_bytes, export_all, export_citizen

    if args.format == "docx":
        return _export_docx(args)
    if args.format == "fhir":
        return _export_fhir(args)
    _check_output(args)  # a refused file costs no export and leaves no audit rows
    open_database(read_only=True)
    if args.format == "json":  # samplan/2: everything; "samplan/1" for old receivers
        from models.exchange2 import document2_bytes as document_bytes
        from models.exchange2 import export2_all as export_all
        from models.exchange2 import export2_citizen as export_citizen
    with session_scope() as session:
        if args.all:
            document = export_all(session=session, actor=None)
        else:
            document = export_citizen(session=session, actor=None, citizen_id=args.citizen)
    _write_output(args, document_bytes(document))
    print(Say.t("cli.export_done", count=len(document["citizens"]), path=args.out), file=sys.stderr)
    return 0


def _export_docx(args: argparse.Namespace) -> int:
    from exports.word_plan import build_plan_docx
    from models.db import session_scope
    from models.exchange import plan_for_word_export

    if args.all:
        print(Say.t("cli.docx_only_one"), file=sys.stderr)
        return 2
    _check_output(args)
    open_database(read_only=True)
    with session_scope() as session:
        plan = plan_for_word_export(session=session, actor=None, citizen_id=args.citizen)
    _write_output(args, build_plan_docx(plan, variant=args.variant, lang=Say.lang))
    print(Say.t("cli.export_done", count=1, path=args.out), file=sys.stderr)
    return 0


def _export_fhir(args: argparse.Namespace) -> int:
    """The joint plan as an HL7 FHIR R4B Bundle (models/fhir_plan.py), one citizen."""
    from models.db import session_scope
    from models.fhir_plan import fhir_bundle_bytes

    if args.all:
        print(Say.t("exchange2.fhir_only_one"), file=sys.stderr)
        return 2
    _check_output(args)
    open_database(read_only=True)
    with session_scope() as session:
        data = fhir_bundle_bytes(session=session, actor=None, citizen_id=args.citizen)
    _write_output(args, data)
    print(Say.t("cli.export_done", count=1, path=args.out), file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from models.backup import create_backup
    from models.safe_output import check_target, database_files

    # A target Samplan will not write is refused before the database is opened or migrated.
    check_target(args.file, force=args.force, protect=database_files())
    open_database(read_only=True)
    target = create_backup(args.file, actor=None, force=args.force)
    print(Say.t("cli.backup_done", path=target))
    return 0


def cmd_remind(args: argparse.Namespace) -> int:
    """Send what is due now (models/reminders.py); quiet when there was nothing to do, so cron
    mails nobody every few minutes. Exit 1 when a mail failed (it is retried at the next run)."""
    from models.reminders import run_reminders

    open_database()
    summary = run_reminders()
    if summary.not_configured:
        print(Say.t("remind.cli.not_configured"), file=sys.stderr)
        return 0
    if summary.recorded or summary.sent or summary.failed or summary.obsolete:
        print(Say.t("remind.cli.done", recorded=summary.recorded, sent=summary.sent, failed=summary.failed,
                    obsolete=summary.obsolete))  # fmt: skip
    if summary.failed:
        print(Say.t("remind.cli.failed", reasons=", ".join(sorted(set(summary.reasons)))), file=sys.stderr)
        return 1
    return 0


def read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError:
        raise UserError("cli.file_unreadable", path=name) from None


def _check_output(args: argparse.Namespace) -> None:
    if args.out != "-":
        from models.safe_output import check_target

        check_target(args.out, force=args.force)


def _write_output(args: argparse.Namespace, data: bytes) -> None:
    """Standard output, or a file through models.safe_output: whole or not at all, owner only."""
    if args.out == "-":
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    from models.safe_output import write_file

    write_file(args.out, data, force=args.force)
