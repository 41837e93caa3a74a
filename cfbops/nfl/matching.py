"""Which touchdown scorer a pick names: by gsis id through the roster, else by name.

Names are compared by their keys (`nfl.normalize_player_name`, computed by the database
so that there is one rule). A pick names a rostered player only when exactly one player
of the pick's team fits; an initial ("J. Williams") never settles between two teammates
who share a last name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum

_INITIAL_FORM = re.compile(r"^[a-z] [a-z0-9]")


@dataclass(frozen=True, slots=True)
class RosterPlayer:
    gsis_id: str
    team: str
    player_name: str
    key: str


@dataclass(frozen=True, slots=True)
class Scorer:
    """A touchdown's scorer with the best name known: the roster's, else play-by-play's."""

    player_id: str | None
    player_name: str
    key: str
    team: str


class Identity(Enum):
    ROSTERED = "rostered"  # exactly one rostered player fits: match by gsis id
    AMBIGUOUS = "ambiguous"  # several teammates fit: cannot be graded by name
    UNROSTERED = "unrostered"  # nobody on the roster fits: match by name


@dataclass(frozen=True, slots=True)
class PickIdentity:
    kind: Identity
    gsis_id: str | None = None


def fits(full_key: str, wanted_key: str) -> bool:
    """The same player's key, or `wanted_key` is an initial and last name that fits."""
    if full_key == wanted_key:
        return True
    if _INITIAL_FORM.match(wanted_key) and not _INITIAL_FORM.match(full_key):
        initial, rest = wanted_key[0], wanted_key[2:]
        # The first name an initial stands for may be two words ("amon ra st brown").
        return re.fullmatch(rf"{initial}[a-z0-9 ]*[a-z0-9] {re.escape(rest)}", full_key) is not None
    return False


def identify_pick(
    pick_key: str | None, teams: Iterable[str], roster: Mapping[str, list[RosterPlayer]]
) -> PickIdentity:
    """Who on the teams' rosters the pick names: full name first, then initial + last."""
    if not pick_key:
        return PickIdentity(Identity.UNROSTERED)
    players = [p for team in teams for p in roster.get(team, ())]
    for matcher in (lambda p: p.key == pick_key, lambda p: fits(p.key, pick_key)):
        ids = {p.gsis_id for p in players if matcher(p)}
        if len(ids) == 1:
            return PickIdentity(Identity.ROSTERED, ids.pop())
        if len(ids) > 1:
            return PickIdentity(Identity.AMBIGUOUS)
    return PickIdentity(Identity.UNROSTERED)


class Match(Enum):
    YES = "yes"
    NO = "no"
    UNSURE = "unsure"  # fits only by an initial that no roster confirms


def match_scorer(
    identity: PickIdentity, pick_key: str | None, teams: Iterable[str], scorer: Scorer
) -> Match:
    """Whether `scorer` is the picked player."""
    # Play-by-play without the scorer's id (some old plays) falls back to the name.
    if identity.kind is Identity.ROSTERED and scorer.player_id:
        return Match.YES if scorer.player_id == identity.gsis_id else Match.NO
    if identity.kind is Identity.AMBIGUOUS or not pick_key or scorer.team not in set(teams):
        return Match.NO
    if scorer.key == pick_key:
        return Match.YES
    # "J.Williams" in play-by-play and a pick of "Jalen Williams", with neither on the
    # roster: a last name and an initial are not enough to tell teammates apart.
    if fits(scorer.key, pick_key) or fits(pick_key, scorer.key):
        return Match.UNSURE
    return Match.NO
