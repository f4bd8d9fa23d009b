import pytest
from sqlmodel import select

from models.access import Actor
from models.db import session_scope
from models.errors import AccessDenied, StaleVersion, UserError
from models.goals import add_goal, previous_score, score_at, score_goal, set_goal_status, update_goal
from models.plans import load_joint_plan
from models.tables import AuditEvent, Goal, GoalScore
from tests.factories import make_citizen, make_goal, make_meeting, make_membership, make_person, make_user


@pytest.fixture
def team(db_url):
    with session_scope(write=True) as s:
        user = make_user(s, username="rasmus")
        outsider = make_user(s, username="olga")
        citizen = make_citizen(s)
        other = make_citizen(s, name="Bo Andersen")
        rasmus = make_person(s, citizen=citizen, name="Rasmus Holm", user=user)
        make_membership(s, citizen=citizen, user=user, person=rasmus)
        held = make_meeting(s, citizen=citizen, status="held")
        now = make_meeting(s, citizen=citizen, status="in_progress")
        other_meeting = make_meeting(s, citizen=other, status="in_progress")
    return {"actor": Actor.from_user(user), "outsider": Actor.from_user(outsider), "citizen": citizen,
            "held": held, "now": now, "other_meeting": other_meeting}


def _add(team, words="Jeg vil have en hund 🐕", **kwargs):
    with session_scope(write=True) as s:
        return add_goal(session=s, actor=team["actor"], citizen_id=team["citizen"].id, own_words=words,
                        **kwargs)


def _goal(goal_id):
    with session_scope() as s:
        return s.get(Goal, goal_id)


def test_the_citizens_words_are_kept_verbatim_and_the_note_is_separate(team):
    saved = _add(team, words="  Jeg vil gerne bo for mig selv – i Ølstykke 🏡\r\n", area="housing",
                 professional_note="Boligsocial vurdering afventer.")
    goal = _goal(saved.id)
    assert goal.own_words == "  Jeg vil gerne bo for mig selv – i Ølstykke 🏡\n"  # only newlines normalised
    assert goal.professional_note == "Boligsocial vurdering afventer."
    assert (goal.status, goal.area) == ("active", "housing")


@pytest.mark.parametrize(
    ("kwargs", "key"),
    [
        ({"words": "   "}, "goal.words_required"),  # whitespace is not a goal
        ({"area": "space"}, "goal.bad_area"),  # only the catalogue's life areas
        ({"words": "x" * 10_001}, "error.too_long"),
    ],
)
def test_bad_goals_are_refused_in_danish(team, kwargs, key):
    with pytest.raises(UserError) as caught:
        _add(team, **kwargs)
    assert caught.value.key == key


def test_a_fourth_active_goal_must_name_the_one_to_pause(team):
    first, second, third = (_add(team, words=f"Mål {n}") for n in (1, 2, 3))
    with pytest.raises(UserError) as caught:
        _add(team, words="Mål 4")
    assert caught.value.key == "goal.too_many_active"
    with session_scope() as s:
        assert len(s.exec(select(Goal)).all()) == 3  # nothing half-saved
    fourth = _add(team, words="Mål 4", pause_goal_id=second.id)
    assert fourth.paused_goal_id == second.id
    assert _goal(second.id).status == "paused"
    assert _goal(second.id).version == second.version + 1  # an older edit of it is now refused
    with session_scope() as s:
        active = s.exec(select(Goal).where(Goal.status == "active")).all()
    assert {g.id for g in active} == {first.id, third.id, fourth.id}


def test_pausing_a_goal_that_is_not_active_is_refused(team):
    goals = [_add(team, words=f"Mål {n}") for n in (1, 2, 3)]
    with session_scope(write=True) as s:
        paused = make_goal(s, citizen=team["citizen"], status="paused")
    with pytest.raises(UserError) as caught:
        _add(team, words="Mål 4", pause_goal_id=paused.id)
    assert caught.value.key == "goal.pause_not_active"
    # Re-activating a paused goal is a fourth active goal as well.
    with session_scope(write=True) as s, pytest.raises(UserError):
        set_goal_status(session=s, actor=team["actor"], goal_id=paused.id, seen_version=1, status="active")
    with session_scope(write=True) as s:
        set_goal_status(session=s, actor=team["actor"], goal_id=paused.id, seen_version=1, status="active",
                        pause_goal_id=goals[0].id)
    assert _goal(paused.id).status == "active"
    assert _goal(goals[0].id).status == "paused"


def test_a_second_save_from_an_older_version_is_refused(team):
    saved = _add(team)
    with session_scope(write=True) as s:
        update_goal(session=s, actor=team["actor"], goal_id=saved.id, seen_version=saved.version,
                    own_words="Jeg vil have en kat", area=None, professional_note=None)
    with session_scope(write=True) as s, pytest.raises(StaleVersion):
        update_goal(session=s, actor=team["actor"], goal_id=saved.id, seen_version=saved.version,
                    own_words="Jeg vil have en fugl", area=None, professional_note=None)
    assert _goal(saved.id).own_words == "Jeg vil have en kat"


def test_a_score_per_meeting_with_the_next_step_and_the_previous_score(team):
    saved = _add(team)
    for meeting, value in ((team["held"], 3), (team["now"], "6"), (team["now"], 7)):
        with session_scope(write=True) as s:
            score_goal(session=s, actor=team["actor"], goal_id=saved.id, meeting_id=meeting.id, score=value,
                       next_step="Gå tur med naboens hund én gang")
    with session_scope() as s:
        assert len(s.exec(select(GoalScore)).all()) == 2  # one per goal and meeting
        plan = load_joint_plan(session=s, actor=team["actor"], citizen_id=team["citizen"].id)
    goal = next(g for g in plan.goals if g.id == saved.id)
    assert score_at(goal, team["now"].id).score == 7
    assert score_at(goal, team["now"].id).next_step == "Gå tur med naboens hund én gang"
    assert previous_score(goal, team["now"].id).score == 3


@pytest.mark.parametrize("value", [-1, 11, "ti", True, None])
def test_scores_outside_zero_to_ten_are_refused(team, value):
    saved = _add(team)
    with session_scope(write=True) as s, pytest.raises(UserError) as caught:
        score_goal(session=s, actor=team["actor"], goal_id=saved.id, meeting_id=team["now"].id, score=value)
    assert caught.value.key == "error.score_range"


def test_a_score_at_another_citizens_meeting_is_refused(team):
    saved = _add(team)
    with session_scope(write=True) as s, pytest.raises(UserError):
        score_goal(session=s, actor=team["actor"], goal_id=saved.id, meeting_id=team["other_meeting"].id,
                   score=5)


def test_an_outsider_is_refused_and_the_refusal_is_audited(team):
    with pytest.raises(AccessDenied), session_scope(write=True) as s:
        add_goal(session=s, actor=team["outsider"], citizen_id=team["citizen"].id, own_words="Mål")
    with session_scope() as s:
        outcomes = s.exec(select(AuditEvent.outcome).where(AuditEvent.action == "goal.create")).all()
    assert outcomes == ["denied"]
