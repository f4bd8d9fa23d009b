"""The `samplan` command: parses arguments and calls models/ (and exports/), nothing else.

Exit codes: 0 done, 1 refused or failed (one Danish sentence on stderr), 2 wrong use (one
Danish line), a file that cannot be imported (one line per problem: `path: message`), or a file
to write that Samplan will not write: the database itself or its -wal/-shm/-journal file, a
folder, a file in a folder that does not exist, or an existing file without --force (one
Danish sentence; nothing is written and nothing is read from the database). A traceback is never
shown unless --debug is given. The command line acts without a user account (`actor=None`); what
it does to citizens' data is audited with user_id NULL (import, export and backup alike).

Every file the command line writes goes through models.safe_output (export --out, backup).
Every command that opens the database migrates it first; export and backup never create one
(models/cli_commands.py). Help, usage lines and usage errors are in the catalogue's language:
Danish, or English with SAMPLAN_LANG=en or an English locale (models/cli_argparse.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
import traceback
from collections.abc import Sequence
from typing import Any

from models.cli_argparse import CatalogueParser, cli_language
from models.cli_commands import (
    Say,
    cmd_backup,
    cmd_demo,
    cmd_export,
    cmd_import,
    cmd_init,
    cmd_remind,
    cmd_user_add,
)
from models.errors import UserError

logger = logging.getLogger("samplan")


def t(key: str, **params: Any) -> str:
    return Say.t(key, **params)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    Say.lang = lang or cli_language()
    parser = CatalogueParser(
        prog="samplan", description=t("cli.description"), epilog=t("cli19.epilog"), lang=Say.lang
    )
    parser.add_argument("--debug", action="store_true", help=t("cli.help_debug"))
    commands = parser.add_subparsers(dest="command", required=True, metavar=t("first_hour.metavar_command"))

    commands.add_parser("init", help=t("cli.help_init")).set_defaults(run=cmd_init)
    commands.add_parser("demo", help=t("cli.help_demo")).set_defaults(run=cmd_demo)

    user = commands.add_parser("user", help=t("cli.help_user"))
    user_commands = user.add_subparsers(
        dest="user_command", required=True, metavar=t("first_hour.metavar_command")
    )
    add = user_commands.add_parser("add", help=t("cli.help_user_add"))
    add.add_argument("username", metavar=t("cli19.metavar_username"), help=t("cli.help_username"))
    add.add_argument("--name", required=True, help=t("cli.help_name"))
    add.add_argument("--email", help=t("cli.help_email"))
    add.add_argument("--role", required=True, choices=("admin", "staff"), help=t("cli.help_role"))
    add.add_argument("--password-stdin", action="store_true", help=t("cli19.help_password_stdin"))
    add.add_argument("--leader", action="store_true", help=t("cli.help_leader"))
    add.set_defaults(run=cmd_user_add)

    load = commands.add_parser("import", help=t("exchange2.more.help_import"))
    load.add_argument("file", metavar=t("cli19.metavar_file"), help=t("cli.help_import_file"))
    again = load.add_mutually_exclusive_group()
    again.add_argument("--update", action="store_true", help=t("cli19.help_update"))
    again.add_argument("--as-new", action="store_true", help=t("cli19.help_as_new"))
    load.set_defaults(run=cmd_import)

    export = commands.add_parser("export", help=t("cli.help_export"))
    which = export.add_mutually_exclusive_group(required=True)
    which.add_argument("--citizen", type=int, metavar="ID", help=t("cli.help_citizen"))
    which.add_argument("--all", action="store_true", help=t("cli.help_all"))
    export.add_argument(
        "--format", choices=("json", "samplan/1", "docx", "fhir"), default="json",
        help=t("exchange2.help_format"),
    )  # fmt: skip
    export.add_argument("--out", required=True, metavar=t("cli19.metavar_file"), help=t("cli.help_out"))
    export.add_argument("--force", action="store_true", help=t("output.help_force"))
    export.add_argument(
        "--variant", choices=("citizen", "team"), default="citizen", help=t("word.cli_help_variant")
    )
    export.set_defaults(run=cmd_export)

    backup = commands.add_parser("backup", help=t("cli.help_backup"))
    backup.add_argument("file", metavar=t("cli19.metavar_file"), help=t("cli.help_backup_file"))
    backup.add_argument("--force", action="store_true", help=t("output.help_force"))
    backup.set_defaults(run=cmd_backup)

    commands.add_parser("remind", help=t("remind.cli.help")).set_defaults(run=cmd_remind)
    return parser


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
        print(error.message(Say.lang), file=sys.stderr)
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
