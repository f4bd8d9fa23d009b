"""The `samplan` command: parses arguments and calls models/ (and exports/), nothing else.

Exit codes: 0 done, 1 refused or failed (one Danish sentence on stderr), 2 wrong use (one
Danish line), a file that cannot be imported (one line per problem: `path: message`), or a file
to write that Samplan will not write: the database itself or its -wal/-shm/-journal file, a
folder, a file in a folder that does not exist, or an existing file without --force (one
Danish sentence; nothing is written and nothing is read from the database). A traceback is never
shown unless --debug is given. The command line acts without a user account (`actor=None`); what
it does to citizens' data is audited with user_id NULL (import, export and backup alike).

Every file the command line writes goes through models.safe_output (export --out, backup).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from models.errors import UserError
from models.i18n import translate

logger = logging.getLogger("samplan")


def t(key: str, **params: Any) -> str:
    return translate(key, "da", **params)


class _Parser(argparse.ArgumentParser):
    """argparse, but wrong use ends with one Danish line and exit code 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {t('cli.usage', message=message)}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="samplan", description=t("cli.description"))
    parser.add_argument("--debug", action="store_true", help=t("cli.help_debug"))
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    commands.add_parser("init", help=t("cli.help_init")).set_defaults(run=cmd_init)
    commands.add_parser("demo", help=t("cli.help_demo")).set_defaults(run=cmd_demo)

    user = commands.add_parser("user", help=t("cli.help_user"))
    user_commands = user.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    add = user_commands.add_parser("add", help=t("cli.help_user_add"))
    add.add_argument("username", metavar="USERNAME", help=t("cli.help_username"))
    add.add_argument("--name", required=True, help=t("cli.help_name"))
    add.add_argument("--email", help=t("cli.help_email"))
    add.add_argument("--role", required=True, choices=("admin", "staff"), help=t("cli.help_role"))
    add.add_argument("--password-stdin", action="store_true", help=t("cli.help_password_stdin"))
    add.add_argument("--leader", action="store_true", help=t("cli.help_leader"))
    add.set_defaults(run=cmd_user_add)

    load = commands.add_parser("import", help=t("cli.help_import"))
    load.add_argument("file", metavar="FILE", help=t("cli.help_import_file"))
    load.set_defaults(run=cmd_import)

    export = commands.add_parser("export", help=t("cli.help_export"))
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--citizen", type=int, metavar="ID", help=t("cli.help_citizen"))
    which.add_argument("--all", action="store_true", help=t("cli.help_all"))
    export.add_argument("--format", choices=("json", "docx"), default="json", help=t("cli.help_format"))
    export.add_argument("--out", required=True, metavar="FILE", help=t("cli.help_out"))
    export.add_argument("--force", action="store_true", help=t("output.help_force"))
    export.add_argument(
        "--variant", choices=("citizen", "team"), default="citizen", help=t("word.cli_help_variant")
    )
    export.set_defaults(run=cmd_export)

    backup = commands.add_parser("backup", help=t("cli.help_backup"))
    backup.add_argument("file", metavar="FILE", help=t("cli.help_backup_file"))
    backup.add_argument("--force", action="store_true", help=t("output.help_force"))
    backup.set_defaults(run=cmd_backup)
    return parser


# --- commands ---------------------------------------------------------------------------


def cmd_init(args: argparse.Namespace) -> int:
    from models.migrate import upgrade_database

    upgrade_database()
    print(t("cli.init_done"))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from models.demo import load_demo
    from models.migrate import upgrade_database

    upgrade_database()  # so `samplan demo` alone is enough to try Samplan out
    result = load_demo()
    if result.already_loaded:
        print(t("cli.demo_already"))
        return 0
    print(t("cli.demo_created", citizens=result.citizens_created, users=", ".join(result.usernames)))
    print(t("cli.demo_password", password=result.password))
    return 0


def _read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UserError("cli.password_missing")
        return password
    first = getpass.getpass(t("cli.password_prompt"))
    if getpass.getpass(t("cli.password_again")) != first:
        raise UserError("cli.password_mismatch")
    return first


def cmd_user_add(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from models.leaders import set_leader_from_command_line
    from models.users import create_user

    password = _read_password(args.password_stdin)
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
    print(t("cli.user_created", username=user.username, role=user.role))
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from models.admin_data import import_exchange_file

    outcome = import_exchange_file(actor=None, data=_read_input(args.file), limit=None)
    if outcome.problems:
        for problem in outcome.problems:
            print(f"{problem.path}: {problem.message}", file=sys.stderr)
        print(t("cli.import_summary", count=len(outcome.problems)), file=sys.stderr)
        return 2
    for citizen in outcome.citizens:
        print(f"{citizen.id}\t{citizen.name}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from models.db import session_scope
    from models.exchange import document_bytes, export_all, export_citizen

    if args.format == "docx":
        return _export_docx(args)
    _check_output(args)  # a refused file costs no export and leaves no audit rows
    with session_scope() as session:
        if args.all:
            document = export_all(session=session, actor=None)
        else:
            document = export_citizen(session=session, actor=None, citizen_id=args.citizen)
    _write_output(args, document_bytes(document))
    print(t("cli.export_done", count=len(document["citizens"]), path=args.out), file=sys.stderr)
    return 0


def _export_docx(args: argparse.Namespace) -> int:
    from exports.word_plan import build_plan_docx
    from models.db import session_scope
    from models.exchange import plan_for_word_export

    if args.all:
        print(t("cli.docx_only_one"), file=sys.stderr)
        return 2
    _check_output(args)
    with session_scope() as session:
        plan = plan_for_word_export(session=session, actor=None, citizen_id=args.citizen)
    _write_output(args, build_plan_docx(plan, variant=args.variant))
    print(t("cli.export_done", count=1, path=args.out), file=sys.stderr)
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    from models.backup import create_backup

    target = create_backup(args.file, actor=None, force=args.force)
    print(t("cli.backup_done", path=target))
    return 0


# --- files ------------------------------------------------------------------------------


def _read_input(name: str) -> bytes:
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


# --- entry point ------------------------------------------------------------------------


def _is_wrong_use(error: UserError) -> bool:
    """A file to write that Samplan will not write is wrong use, like a wrong argument."""
    from models.safe_output import TargetRefused

    return isinstance(error, TargetRefused)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.debug else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(args.run(args))
    except UserError as error:
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        print(error.message("da"), file=sys.stderr)
        return 2 if _is_wrong_use(error) else 1
    except KeyboardInterrupt:
        print(t("cli.interrupted"), file=sys.stderr)
        return 130
    except Exception:
        # Never a traceback for the person at the terminal; with --debug for the developer.
        if args.debug:
            traceback.print_exc(file=sys.stderr)
        print(t("error.unexpected"), file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
