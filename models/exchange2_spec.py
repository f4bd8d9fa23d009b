"""samplan/2: what the format holds, declared once, table by table.

The exporter, the reader, the importer, the JSON Schema (models/schema/samplan-2.schema.json)
and the field list in docs/samplan2.md are all made from the ENTITIES below, so a column added
here is exported, imported, validated and documented together (tests keep the committed schema
and docs in step with this file).

What is left out, and why (also in docs/samplan2.md):
- secrets and short-lived state: login sessions, login throttles, the token hash of a citizen's
  link (its dates are kept; the link itself cannot move: the citizen gets a new one), the room
  screen's links (token and code hashes, only usable while a meeting runs), a link's hourly
  write counter;
- the installation's own bookkeeping: the audit trail (each installation keeps its own; the
  export itself is audited), Overblik's change feed, add-form keys, row versions (optimistic
  locking), the exchange identity (recomputed at import from name and birth date);
- user accounts beyond who they are (username, name, e-mail, department): no password hash,
  role, leader permission or login state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from models.tables import (
    ACTION_EVENT_KINDS,
    ACTION_STATUSES,
    ATTENDANCE,
    CONSENT_FORMS,
    CONSENT_KINDS,
    GOAL_AREAS,
    GOAL_STATUSES,
    MEETING_STATUSES,
    PERSON_KINDS,
    PROPOSAL_STATUSES,
    Action,
    ActionEvent,
    AgendaItem,
    AgendaProposal,
    CitizenLink,
    CitizenMessage,
    CitizenPlanAnswer,
    CitizenPreparation,
    Consent,
    ConsentParty,
    Correction,
    Decision,
    Goal,
    GoalScore,
    InvitationLetter,
    Meeting,
    MeetingParticipant,
    Person,
    PlanVersion,
    Preparation,
    TeamMembership,
    UnmetNeed,
)
from models.text import NAME_MAX, SHORT_MAX, TEXT_MAX

FORMAT2 = "samplan/2"
CITIZEN = "citizen"  # an owner or speaker who is the citizen

# Field kinds: text (verbatim, several lines), line (verbatim, short), name (one line), email,
# code (a machine value, not sanitised beyond the text rules), date, datetime, int, bool, enum,
# json (an object), ref (a ref of `target` in the same citizen), owner (a person ref or
# "citizen"), user (a username in `users`), department (a name in `departments`).


@dataclass(frozen=True)
class F:
    name: str
    kind: str
    doc: str
    column: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    max_length: int | None = None
    minimum: int | None = None
    maximum: int | None = None
    target: str = ""
    flag: str = ""  # owner: the boolean column meaning "the citizen"

    @property
    def col(self) -> str:
        return self.column or self.name


@dataclass(frozen=True)
class Entity:
    kind: str
    key: str  # the JSON name of the list (or object, when single) in its parent
    model: Any
    doc: str
    fields: tuple[F, ...]
    parent: str = "citizen"
    parent_column: str = "citizen_id"
    also_citizen: bool = False  # the table carries citizen_id besides its parent's id
    prefix: str = ""  # refs "p1", "p2" ... when other objects point at it
    single: bool = False  # at most one per parent: an object, not a list


def _text(name: str, doc: str, **kw: Any) -> F:
    return F(name, "text", doc, max_length=kw.pop("max_length", TEXT_MAX), **kw)


def _line(name: str, doc: str, max_length: int = SHORT_MAX, **kw: Any) -> F:
    return F(name, "line", doc, max_length=max_length, **kw)


def _at(name: str, doc: str, **kw: Any) -> F:
    return F(name, "datetime", doc, **kw)


def _user(name: str, doc: str, column: str) -> F:
    return F(name, "user", doc, column=column)


def _ref(name: str, target: str, doc: str, column: str = "", **kw: Any) -> F:
    return F(name, "ref", doc, column=column, target=target, **kw)


_POSITION = F("position", "int", "order on screen and in documents (0 first)", minimum=0)
_PREP_TEXTS = (
    _text("matters_most", "what matters most to the citizen"),
    _text("dream", "the citizen's dream or hope"),
    _text("going_well", "what is going well"),
    _text("questions", "the citizen's questions for the meeting"),
    _text("not_to_raise", "what the citizen does not want raised"),
    _text("when_hard", "what helps when it gets hard"),
    _text("who_to_invite", "whom the citizen wishes invited"),
)

CITIZEN_FIELDS: tuple[F, ...] = (
    F("name", "name", "the citizen's name", required=True, max_length=NAME_MAX),
    F("birth_date", "date", "date of birth; with the name it is who the citizen is at the next import"),
    _line("phone", "phone number", 40),
    F("email", "email", "one plain e-mail address", max_length=254),
    _ref(
        "contact_person",
        "person",
        "the person the citizen chose to call (one way in)",
        column="contact_person_id",
    ),
    F("meetings_per_year", "int", "how many network meetings a year (the cadence)", minimum=0),
    _at("created_at", "when the citizen was created in Samplan"),
    _at("updated_at", "when the citizen's own details last changed"),
)

# fmt: off
ENTITIES: tuple[Entity, ...] = (
    Entity("person", "people", Person, "the team (professionals) and the private network", (
        F("name", "name", "the person's name", required=True, max_length=NAME_MAX),
        F("kind", "enum", "a professional or someone from the private network", required=True,
          enum=PERSON_KINDS),
        F("department", "department", "a professional's department or outside body", column="department_id"),
        _line("title", "job title, e.g. virksomhedskonsulent", NAME_MAX),
        _line("relation", "a private person's relation to the citizen, e.g. mor", NAME_MAX),
        F("email", "email", "one plain e-mail address", max_length=254),
        _line("phone", "phone number", 40),
        _user("user", "the user account this professional works in Samplan as", "user_id"),
        F("is_coordinator", "bool", "the coordinating caseworker"),
        F("is_deputy", "bool", "the coordinator's deputy"),
        F("added_on", "date", "when the person joined the team"),
        F("removed_on", "date", "when the person left the team (kept for history)"),
    ), prefix="p"),
    Entity("link", "citizen_links", CitizenLink,
           "the citizen's personal links: dates only, never the token or its hash", (
        _at("created_at", "when the link was made"),
        _user("created_by", "who made it", "created_by_user_id"),
        _at("expires_at", "when it stops working", required=True),
        _at("revoked_at", "when it was revoked"),
    ), prefix="l"),
    Entity("consent", "consents", Consent, "consents as given (a new consent is a new entry)", (
        F("kind", "enum", "consent to the joint plan, or to sharing between the parties", required=True,
          enum=CONSENT_KINDS),
        _text("scope", "what may be shared, in plain words"),
        F("given_on", "date", "when the consent was given", required=True),
        F("expires_on", "date", "when it runs out"),
        F("withdrawn_on", "date", "when the citizen withdrew it"),
        F("form", "enum", "written or oral", enum=CONSENT_FORMS),
        _at("recorded_at", "when it was recorded in Samplan"),
        _user("recorded_by", "who recorded it", "recorded_by_user_id"),
    ), prefix="k"),
    Entity("consent_party", "parties", ConsentParty, "the departments and bodies the consent covers", (
        F("name", "name", "the party as the citizen named it", required=True, max_length=NAME_MAX),
        _POSITION,
        F("department", "department", "the department the name was matched to", column="department_id"),
    ), parent="consent", parent_column="consent_id"),
    Entity("meeting", "meetings", Meeting, "network meetings, every state from draft to held", (
        _at("starts_at", "start, with offset (stored in UTC)", required=True),
        F("minutes", "int", "planned length in minutes", minimum=5, maximum=480),
        _line("place", "where"),
        _line("video_link", "a video link", 500),
        F("status", "enum", "draft -> planned -> in_progress -> held, or cancelled", required=True,
          enum=MEETING_STATUSES),
        _ref("leader", "person", "who leads the meeting", column="leader_person_id"),
        _ref("note_taker", "person", "who takes notes", column="note_taker_person_id"),
        F("citizen_present", "bool", "whether the citizen took part"),
        F("current_agenda_position", "int", "the agenda item the meeting is at", minimum=0),
        F("speaker", "owner", "who has the word now: a person ref or \"citizen\"",
          column="speaker_person_id", target="person", flag="speaker_is_citizen"),
        _at("speaker_since", "since when the current speaker has the word"),
        F("citizen_speaking_seconds", "int", "the citizen's speaking time so far", minimum=0),
        F("total_speaking_seconds", "int", "everyone's speaking time so far", minimum=0),
        _at("opened_at", "when the meeting was started"),
        _at("closed_at", "when it was closed"),
        F("citizen_agrees", "bool", "whether the citizen agreed with the plan at the read-back"),
        _text("citizen_disagreement", "what the citizen disagreed with, in their words"),
    ), prefix="m"),
    Entity("participant", "participants", MeetingParticipant, "who was invited and attendance", (
        _ref("person", "person", "the participant", column="person_id", required=True),
        F("attendance", "enum", "invited, present, apologies or absent", required=True, enum=ATTENDANCE),
        _text("written_status", "a written status from someone who cannot come"),
        _POSITION,
    ), parent="meeting", parent_column="meeting_id"),
    Entity("agenda_item", "agenda", AgendaItem, "the agenda with time boxes", (
        _POSITION,
        _line("title", "the item's title", required=True),
        F("minutes", "int", "its time box", minimum=0, maximum=480),
        _at("started_at", "when the item was started"),
        _at("ended_at", "when it ended"),
    ), parent="meeting", parent_column="meeting_id"),
    Entity("preparation", "preparation", Preparation,
           "the preparation as the team and the room screen read it", _PREP_TEXTS,
           parent="meeting", parent_column="meeting_id", single=True),
    Entity("invitation_letter", "invitation_letters", InvitationLetter,
           "invitation letters downloaded: when, by whom, and hashes of what they showed", (
        _user("user", "who downloaded it", "user_id"),
        _at("downloaded_at", "when"),
        F("fingerprint", "code", "short hashes per part of the letter (no text)", required=True,
          max_length=400),
    ), parent="meeting", parent_column="meeting_id"),
    Entity("decision", "decisions", Decision, "decisions made at the meeting", (
        _text("text", "the decision", required=True),
        _POSITION,
    ), parent="meeting", parent_column="meeting_id"),
    Entity("unmet_need", "unmet_needs", UnmetNeed, "needs no department can meet, and the leaders' answers", (
        _text("text", "the need", required=True),
        F("department", "department", "the department asked to answer", column="department_id"),
        _text("answer", "the answer"),
        _at("answered_at", "when it was answered"),
        _POSITION,
    ), parent="meeting", parent_column="meeting_id", also_citizen=True),
    Entity("goal", "goals", Goal, "goals in the citizen's own words", (
        _text("own_words", "the goal exactly as the citizen said it", required=True),
        _text("professional_note", "the professionals' note to the goal"),
        F("area", "enum", "life area", enum=GOAL_AREAS),
        F("status", "enum", "active (a focus goal, at most three), achieved, paused or dropped",
          required=True, enum=GOAL_STATUSES),
        F("created_on", "date", "when the goal was set"),
        _POSITION,
    ), prefix="g"),
    Entity("goal_score", "scores", GoalScore, "the citizen's 0-10 rating at a meeting", (
        _ref("meeting", "meeting", "the meeting", column="meeting_id", required=True),
        F("score", "int", "0 = nowhere near, 10 = there", required=True, minimum=0, maximum=10),
        _text("note", "what the citizen said about it"),
        _text("next_step", "the next step towards the goal"),
        _at("recorded_at", "when it was recorded"),
    ), parent="goal", parent_column="goal_id"),
    Entity("action", "actions", Action, "agreements: one owner, one date", (
        _text("text", "what will be done", required=True),
        _ref("goal", "goal", "the goal it serves", column="goal_id"),
        F("owner", "owner", "a person ref, or \"citizen\"; absent while a meeting has not settled it",
          column="owner_person_id", target="person", flag="owner_is_citizen"),
        F("due_on", "date", "by when"),
        F("status", "enum", "open, in_progress, done or cancelled", required=True, enum=ACTION_STATUSES),
        F("trial", "bool", "a trial action (prøvehandling)"),
        _ref("agreed_at", "meeting", "the meeting where it was agreed", column="agreed_at_meeting_id"),
        F("done_on", "date", "when it was done"),
        _at("created_at", "when it was made"),
        _at("updated_at", "when it last changed"),
    ), prefix="a"),
    Entity("action_event", "history", ActionEvent, "the agreement's history", (
        _at("at", "when", required=True),
        _user("by", "who", "by_user_id"),
        F("kind", "enum", "what changed", required=True, enum=ACTION_EVENT_KINDS),
        F("from", "code", "the value before (an owner is \"citizen\" or \"person:<ref>\")",
          column="from_value", max_length=200),
        F("to", "code", "the value after", column="to_value", max_length=200),
        _text("note", "why"),
        _ref("meeting", "meeting", "the meeting it happened at", column="meeting_id"),
        _ref("by_link", "link", "the citizen did it through this link", column="by_link_id"),
    ), parent="action", parent_column="action_id"),
    Entity("plan_version", "plan_versions", PlanVersion, "immutable plan snapshots, one per closed meeting", (
        F("number", "int", "1, 2, ... per citizen", required=True, minimum=1),
        _ref("meeting", "meeting", "the meeting that closed it", column="meeting_id"),
        _at("created_at", "when"),
        _user("created_by", "who closed the meeting", "created_by_user_id"),
        F("snapshot", "json", "the plan as it was, verbatim (ids in it are the source installation's)",
          column="snapshot_json", required=True),
    ), prefix="v"),
    Entity("team_membership", "team_memberships", TeamMembership,
           "which accounts worked on the citizen, when", (
        F("user", "user", "the account", column="user_id", required=True),
        _ref("person", "person", "the team member it is", column="person_id"),
        _at("started_at", "from"),
        _at("ended_at", "until"),
        _line("end_reason", "why it ended"),
    )),
    Entity("citizen_preparation", "citizen_preparations", CitizenPreparation,
           "each save of the preparation by the citizen through their link", (
        _ref("meeting", "meeting", "the meeting", column="meeting_id", required=True),
        _ref("link", "link", "the link used", column="link_id", required=True),
        _at("written_at", "when"),
        F("preparation_version", "int", "the preparation's version it became", required=True, minimum=0),
        *_PREP_TEXTS,
    )),
    Entity("agenda_proposal", "agenda_proposals", AgendaProposal, "agenda items the citizen proposed", (
        _ref("meeting", "meeting", "the meeting", column="meeting_id"),
        _ref("link", "link", "the link used", column="link_id", required=True),
        _line("text", "the proposal", required=True),
        _at("created_at", "when"),
        F("status", "enum", "proposed, accepted, moved or declined", enum=PROPOSAL_STATUSES),
        _line("reason", "the leader's reason"),
        _at("decided_at", "when decided"),
        _user("decided_by", "who decided", "decided_by_user_id"),
    )),
    Entity("plan_answer", "plan_answers", CitizenPlanAnswer,
           "the citizen's yes or no to a goal or the plan", (
        _ref("goal", "goal", "the goal (absent: the whole plan)", column="goal_id"),
        _ref("link", "link", "the link used", column="link_id", required=True),
        F("agrees", "bool", "yes or no", required=True),
        _text("words", "the citizen's correction or reason"),
        F("plan_version_number", "int", "the plan version answered", minimum=1),
        _at("answered_at", "when"),
    )),
    Entity("message", "messages", CitizenMessage, "messages from the citizen to the contact person", (
        _ref("to_person", "person", "to whom", column="to_person_id"),
        _ref("link", "link", "the link used", column="link_id", required=True),
        _line("text", "the message", 500, required=True),
        _at("sent_at", "when"),
        _at("read_at", "when read"),
        _user("read_by", "who read it", "read_by_user_id"),
    )),
    Entity("correction", "corrections", Correction,
           "old values of corrected fields (corrections keep history)", (
        _at("at", "when", required=True),
        _user("by", "who", "user_id"),
        F("table", "enum", "what was corrected", column="table_name", required=True,
          enum=("citizen", "person", "goal", "action", "meeting", "preparation", "consent")),
        F("row", "code", "its ref (\"citizen\"; a preparation by its meeting's ref)", column="row_id",
          required=True, max_length=64),
        F("field", "code", "the column", column="column_name", required=True, max_length=40),
        _text("old_value", "the value before (ids written as refs or names)"),
    )),
)
# fmt: on


BY_KIND = {entity.kind: entity for entity in ENTITIES}
PREFIXES = {entity.kind: entity.prefix for entity in ENTITIES if entity.prefix}
# Correction rows name a table and row; columns holding ids of these kinds are written as refs.
ID_COLUMNS = {
    "owner_person_id": "person",
    "contact_person_id": "person",
    "leader_person_id": "person",
    "note_taker_person_id": "person",
    "speaker_person_id": "person",
    "goal_id": "goal",
    "agreed_at_meeting_id": "meeting",
    "department_id": "department",
}


def children_of(kind: str) -> list[Entity]:
    return [entity for entity in ENTITIES if entity.parent == kind]


# Every other table, and why a citizen's file does not carry it (tests/models/test_exchange2.py
# fails when a new table is in neither list: decide, then write it down here).
LEFT_OUT = {
    "citizen": "the citizen itself: the objects in `citizens`",
    "department": "carried as `departments` (name, outside body, retired), named by the citizens' rows",
    "user_account": "carried as `users` (username, name, e-mail, department): never a password hash, "
    "role, leader permission or login state",
    "login_session": "a secret (token hash) and the installation's own logins",
    "login_throttle": "the installation's defence against password guessing",
    "sso_identity": "how a user logs in at the municipality's identity provider, not citizen data",
    "sso_login": "a login's ID token: a secret",
    "room_link": "secrets (token and code hashes), usable only while a meeting runs",
    "audit_event": "each installation keeps its own trail; the export and the import are audited there",
    "overview_change": "Overblik's change feed: bookkeeping of the installation",
    "form_submission": "keys against double submits: bookkeeping of the installation",
    "rc_round": "relational coordination surveys are about departments, anonymous, not about a citizen",
    "rc_round_department": "as rc_round",
    "rc_respondent": "as rc_round",
    "rc_answer": "as rc_round",
    "reminder_preference": "a user's own settings, not citizen data",
    "mail_settings": "the installation's mail server",
    "reminder_notice": "the installation's ledger of reminders sent (recomputed from the agreements)",
    "mail_log": "the installation's mail log",
    "meeting_calendar": "what this installation's calendar files told participants; a new installation "
    "starts its own series",
    "alembic_version": "the database schema's version",
}
