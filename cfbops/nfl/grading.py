"""Grade the picks of finished games from nflverse play-by-play (`cfbops grade`).

A pick is correct when its player scored the game's first touchdown, an any-time
touchdown when he scored any (a correct pick is both, as in the app: 3 + 1 points).
Touchdowns are credited as nflverse credits them (td_player_id, td_team), so defensive
and return touchdowns go to the player who scored and his team. Every ungraded pick of
a finished game is graded in one transaction; graded picks are never touched again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

import psycopg

from cfbops.config import Settings
from cfbops.db.connect import connect, require_writable
from cfbops.errors import UsageError
from cfbops.nfl.matching import (
    Identity,
    Match,
    RosterPlayer,
    Scorer,
    identify_pick,
    match_scorer,
)
from cfbops.nfl.playbyplay import SeasonPlays, Touchdown, current_season, load_touchdowns
from cfbops.nfl.returns import actual_return
from cfbops.nfl.teams import team_code
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

UNGRADED_PICKS = """
SELECT p.id, p.game_id, p.team, p.player_name, p.odds, u.base_bet,
       g.home_team, g.away_team
  FROM nfl.picks p
  JOIN nfl.games g ON g.id = p.game_id
  JOIN nfl.users u ON u.id = p.user_id
 WHERE g.season = %(season)s
   AND (%(week)s::integer IS NULL OR g.week = %(week)s::integer)
   AND g.status = 'final'
   AND NOT EXISTS (SELECT FROM nfl.results r WHERE r.pick_id = p.id)
 ORDER BY p.game_id, p.id
"""

SEASON_ROSTER = """
SELECT gsis_id, team, player_name, nfl.normalize_player_name(player_name)
  FROM nfl.rosters
 WHERE season = %s AND gsis_id IS NOT NULL
"""

NAME_KEYS = "SELECT n, nfl.normalize_player_name(n) FROM unnest(%s::text[]) AS n"

INSERT_RESULTS = """
INSERT INTO nfl.results (pick_id, actual_scorer, is_correct, any_time_td, actual_return)
SELECT * FROM unnest(%s::bigint[], %s::text[], %s::boolean[], %s::boolean[], %s::numeric[])
ON CONFLICT (pick_id) DO NOTHING
"""

UPSERT_TOUCHDOWNS = """
INSERT INTO nfl.touchdowns (game_id, play_id, player_id, player_name, team, is_first_td)
SELECT * FROM unnest(%s::text[], %s::bigint[], %s::text[], %s::text[], %s::text[],
                     %s::boolean[])
ON CONFLICT (game_id, play_id) DO UPDATE
   SET player_id = excluded.player_id, player_name = excluded.player_name,
       team = excluded.team, is_first_td = excluded.is_first_td
 WHERE (nfl.touchdowns.player_id, nfl.touchdowns.player_name, nfl.touchdowns.team,
        nfl.touchdowns.is_first_td)
       IS DISTINCT FROM (excluded.player_id, excluded.player_name, excluded.team,
                         excluded.is_first_td)
"""

# Play-by-play corrected since the last grading: touchdowns no longer in it go.
DELETE_STALE_TOUCHDOWNS = """
DELETE FROM nfl.touchdowns t
 USING unnest(%s::text[]) AS g (game_id)
 WHERE t.game_id = g.game_id
   AND NOT (t.game_id || '/' || t.play_id = ANY (%s::text[]))
"""


@dataclass(frozen=True, slots=True)
class GradedGame:
    game_id: str
    first_td_scorer: str | None
    first_td_team: str | None
    touchdowns: int
    picks_graded: int
    correct_picks: int


@dataclass(frozen=True, slots=True)
class UngradablePick:
    """A pick of a finished game left ungraded, and what a person should do about it."""

    pick_id: int
    game_id: str
    player_name: str
    team: str
    reason: str


@dataclass(frozen=True, slots=True)
class GradeResult:
    season: int
    week: int | None
    games: tuple[GradedGame, ...] = ()
    # Final in nfl.games but not (yet) in nflverse's play-by-play: graded on a later run.
    waiting_games: tuple[str, ...] = ()
    ungradable: tuple[UngradablePick, ...] = ()
    picks_graded: int = 0
    correct_picks: int = 0
    any_time_picks: int = 0
    touchdowns: int = 0
    play_by_play_loaded: bool = field(default=False)

    @property
    def ok(self) -> bool:
        return not self.ungradable


@dataclass(frozen=True, slots=True)
class _Pick:
    id: int
    game_id: str
    team: str
    player_name: str
    odds: Decimal | None
    stake: Decimal | None
    home_team: str
    away_team: str

    @property
    def teams(self) -> tuple[str, ...]:
        # A pick's team the app left as 'Unknown' (or misspelt): either side of its
        # game, where a name both sides share matches nobody.
        code = team_code(self.team)
        if code:
            return (code,)
        return tuple(team_code(side) or side for side in (self.home_team, self.away_team))


def weeks_of(season: int) -> tuple[int, int]:
    """(regular-season weeks, last week) as nflverse numbers them: 18 regular weeks from
    2021 (17 before), then the four postseason rounds as the next four weeks."""
    regular = 18 if season >= 2021 else 17
    return regular, regular + 4


def require_week_of(season: int, week: int) -> None:
    """One line (exit 2) for a week the season does not have."""
    regular, last = weeks_of(season)
    if not 1 <= week <= last:
        raise UsageError(
            f"--week {week} is not a week of the {season} season: its weeks are 1–{last} "
            f"({regular} regular, then the postseason as {regular + 1}–{last}); e.g. --week 1"
        )


def grade_picks(
    settings: Settings,
    season: int | None = None,
    week: int | None = None,
    *,
    progress: ProgressCallback = ignore_progress,
) -> GradeResult:
    """Grade every ungraded pick of the season's (or week's) finished games."""
    require_writable(settings, "grade")
    season = current_season() if season is None else season
    if week is not None:
        require_week_of(season, week)
    with connect(settings) as conn:
        return grade_with(conn, season, week, progress=progress)


def grade_with(
    conn: psycopg.Connection,
    season: int,
    week: int | None = None,
    *,
    progress: ProgressCallback = ignore_progress,
) -> GradeResult:
    """`grade_picks` on an open autocommit connection."""
    rows = conn.execute(UNGRADED_PICKS, {"season": season, "week": week}).fetchall()
    picks = [_Pick(*row) for row in rows]
    if not picks:
        return GradeResult(season, week)
    by_game: dict[str, list[_Pick]] = defaultdict(list)
    for pick in picks:
        by_game[pick.game_id].append(pick)

    task = TaskProgress(progress, "grade", total=len(by_game))
    task.note(f"loading play-by-play for {season}")
    plays = load_touchdowns(season, by_game)
    roster, by_id = _season_roster(conn, season)
    keys = _name_keys(conn, plays, picks)

    games: list[GradedGame] = []
    ungradable: list[UngradablePick] = []
    results: list[tuple[int, str | None, bool, bool, Decimal]] = []
    touchdown_rows: list[tuple[Touchdown, str, bool]] = []
    for game_id, game_picks in by_game.items():
        if game_id not in plays.games:
            continue
        scorers = [(td, _scorer(td, by_id, keys)) for td in plays.touchdowns.get(game_id, ())]
        first = scorers[0][1] if scorers else None
        graded = correct = 0
        for pick in game_picks:
            outcome = _grade_pick(pick, scorers, roster, keys)
            if isinstance(outcome, str):
                ungradable.append(
                    UngradablePick(pick.id, game_id, pick.player_name, pick.team, outcome)
                )
                continue
            is_correct, any_time = outcome
            results.append(
                (
                    pick.id,
                    first.player_name if first else None,
                    is_correct,
                    any_time,
                    actual_return(pick.stake, pick.odds, is_correct),
                )
            )
            graded += 1
            correct += is_correct
        touchdown_rows += [(td, s.player_name, i == 0) for i, (td, s) in enumerate(scorers)]
        games.append(
            GradedGame(
                game_id,
                first.player_name if first else None,
                first.team if first else None,
                len(scorers),
                graded,
                correct,
            )
        )
        task.step(game_id)

    with conn.transaction():
        _write_touchdowns(conn, [g.game_id for g in games], touchdown_rows)
        if results:
            conn.execute(INSERT_RESULTS, [list(column) for column in zip(*results, strict=True)])
    return GradeResult(
        season=season,
        week=week,
        games=tuple(games),
        waiting_games=tuple(sorted(set(by_game) - plays.games)),
        ungradable=tuple(ungradable),
        picks_graded=len(results),
        correct_picks=sum(r[2] for r in results),
        any_time_picks=sum(r[3] for r in results),
        touchdowns=len(touchdown_rows),
        play_by_play_loaded=True,
    )


def _grade_pick(
    pick: _Pick,
    scorers: list[tuple[Touchdown, Scorer]],
    roster: dict[str, list[RosterPlayer]],
    keys: dict[str, str | None],
) -> tuple[bool, bool] | str:
    """(is_correct, any_time_td), or why the pick cannot be graded."""
    pick_key = keys.get(pick.player_name)
    identity = identify_pick(pick_key, pick.teams, roster)
    if identity.kind is Identity.AMBIGUOUS:
        return (
            f"{pick.player_name!r} fits several {'/'.join(pick.teams)} players on the "
            f"roster: correct the pick's name"
        )
    matches = [match_scorer(identity, pick_key, pick.teams, s) for _, s in scorers]
    if Match.UNSURE in matches:
        unsure = next(s for (_, s), m in zip(scorers, matches, strict=True) if m is Match.UNSURE)
        return (
            f"{pick.player_name!r} fits scorer {unsure.player_name!r} only by initial and "
            f"last name: run 'cfbops --headless sync nfl' for rosters, then grade again"
        )
    is_correct = bool(matches) and matches[0] is Match.YES
    # The app's double credit: the first touchdown is also a touchdown.
    any_time = Match.YES in matches
    return is_correct, any_time


def _scorer(td: Touchdown, by_id: dict[str, RosterPlayer], keys: dict[str, str | None]) -> Scorer:
    # Play-by-play abbreviates ("P.Mahomes"); the roster has the full name.
    player = by_id.get(td.player_id) if td.player_id else None
    if player is not None:
        return Scorer(td.player_id, player.player_name, player.key, td.team)
    return Scorer(td.player_id, td.player_name, keys.get(td.player_name) or "", td.team)


def _season_roster(
    conn: psycopg.Connection, season: int
) -> tuple[dict[str, list[RosterPlayer]], dict[str, RosterPlayer]]:
    by_team: dict[str, list[RosterPlayer]] = defaultdict(list)
    by_id: dict[str, RosterPlayer] = {}
    for gsis_id, team, name, key in conn.execute(SEASON_ROSTER, (season,)):
        if key is None:
            continue
        player = RosterPlayer(gsis_id, team_code(team) or team, name, key)
        by_team[player.team].append(player)
        by_id[gsis_id] = player
    return by_team, by_id


def _name_keys(
    conn: psycopg.Connection, plays: SeasonPlays, picks: list[_Pick]
) -> dict[str, str | None]:
    names = {p.player_name for p in picks}
    names |= {td.player_name for tds in plays.touchdowns.values() for td in tds}
    rows = conn.execute(NAME_KEYS, (sorted(names),)).fetchall()
    return {name: key for name, key in rows}


def _write_touchdowns(
    conn: psycopg.Connection, game_ids: list[str], rows: list[tuple[Touchdown, str, bool]]
) -> None:
    if not game_ids:
        return
    conn.execute(
        DELETE_STALE_TOUCHDOWNS,
        (game_ids, [f"{td.game_id}/{td.play_id}" for td, _, _ in rows]),
    )
    if rows:
        conn.execute(
            UPSERT_TOUCHDOWNS,
            (
                [td.game_id for td, _, _ in rows],
                [td.play_id for td, _, _ in rows],
                [td.player_id for td, _, _ in rows],
                [name for _, name, _ in rows],
                [td.team for td, _, _ in rows],
                [first for _, _, first in rows],
            ),
        )
