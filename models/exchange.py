"""The exchange file (samplan/1): validate, import and export citizens with their whole plan.

samplan/2, which holds everything Samplan stores, is models/exchange2.py; `import_document`
below takes both versions (a samplan/2 document is handed to it), the rest is samplan/1's.

The format is fixed by models/schema/samplan-exchange.schema.json (a byte-identical copy of
the shared spec). Decisions the schema leaves open:

- Refs: a citizen's ref is unique in the file; every other ref (people, consents, goals,
  actions, meetings) is unique *within its citizen, across all five kinds* ("a string unique
  within its citizen"), so "p1" cannot be both a person and a meeting. A person may not have
  the ref "citizen": that word means the citizen as an action's owner.
- Everything the file says is checked before anything is written: the schema (with the
  `date` and `date-time` formats enforced; a date-time needs an offset), every reference,
  and what the database or the product rules would refuse (the sanitiser's length caps after
  normalisation, blank names and texts, an e-mail address the forms would refuse (one plain
  address: it lands in calendar files), a participant listed twice, two scores for the same
  goal and meeting, more than three active goals). All problems come back in one pass,
  in document order, as (path, message) with paths like `citizens[0].actions[2].owner`.
- Import is one transaction (the caller's session): all citizens or none. Only an
  administrator may import; `actor=None` means the command line (`samplan import`), which is
  run by whoever operates the server, and is audited with user_id NULL.
- Mapping: meeting status planned/held/cancelled is ours as is; on export draft, planned and
  in_progress become "planned". An imported consent is kind "sharing" (the file has no kind).
  A person titled "koordinerende sagsbehandler" is marked as the coordinator (the file has no
  such flag). Meeting times are stored in UTC and exported in Europe/Copenhagen with offset.
- What samplan/1 cannot hold is left out of an export (listed in the module's report to the
  team, and logged as counts): e.g. an agreement without an owner yet, a consent without
  parties, professional notes, attendance, agenda, speaking time, team memberships.

The work is split by job: exchange_schema (the schema and problems), exchange_read (checking
and cleaning a file), exchange_import (writing new citizens), exchange_identity (recognising a
citizen imported before, and --update) and exchange_export. Their public names are importable
from here, as before.
"""

from models.exchange_export import (
    EXPORT_BATCH,
    _document,
    _export_batch,
    document_bytes,
    export_all,
    export_citizen,
    plan_for_word_export,
)
from models.exchange_import import import_document
from models.exchange_read import parse_document, validate_document
from models.exchange_schema import (
    CITIZEN_OWNER,
    COORDINATOR_TITLE,
    FORMAT,
    PREPARATION_FIELDS,
    SCHEMA_PATH,
    ImportedCitizen,
    ImportFailed,
    Problem,
    exchange_schema,
    format_path,
    is_date,
    is_date_time,
    schema_validator,
)

__all__ = [
    "CITIZEN_OWNER",
    "COORDINATOR_TITLE",
    "EXPORT_BATCH",
    "FORMAT",
    "PREPARATION_FIELDS",
    "SCHEMA_PATH",
    "ImportFailed",
    "ImportedCitizen",
    "Problem",
    "_document",
    "_export_batch",
    "document_bytes",
    "exchange_schema",
    "export_all",
    "export_citizen",
    "format_path",
    "import_document",
    "is_date",
    "is_date_time",
    "parse_document",
    "plan_for_word_export",
    "schema_validator",
    "validate_document",
]
