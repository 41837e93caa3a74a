"""The import worked out in memory: the file's rows against what the database holds,
whatever order the file lists them in. Every row is inserted, updated, left as it is,
merged into another or not taken (with a finding); nothing here writes.

Rows are matched on the app's natural keys (a user's name key, a week's season and
number, a pick's user, week and player, a result's pick, a player's name, season and
team), so a second import of the same file finds everything unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from cfbops.nfl.fast6.findings import FindingKind, ImportFinding, TableChange
from cfbops.nfl.fast6.game_ids import parse_game_id
from cfbops.nfl.fast6.source import Fast6File, SourceRow
from cfbops.nfl.fast6.state import DatabaseState, GradedPick, PickKey, StatsKey
from cfbops.nfl.teams import team_code

GAME_STATUSES = ("scheduled", "in_progress", "final")
Kind = FindingKind


@dataclass(slots=True)
class PlannedPick:
    """A pick of the file placed in the database's terms; `source` is the app's row."""

    source: SourceRow
    key: PickKey
    team: str
    game_id: str
    outcome: bool | None = None  # True insert, False update, None unchanged
    values: dict[str, Any] = field(default_factory=dict)
    stored_position: str | None = None  # the position the database holds for it


@dataclass(frozen=True, slots=True)
class ImportPlan:
    changes: tuple[TableChange, ...]
    findings: tuple[ImportFinding, ...]
    # Rows to write per nfl table (new and changed only), each a dict of final values.
    writes: dict[str, list[dict[str, Any]]]
    picks: tuple[PlannedPick, ...]  # every pick the file places, kept duplicates only
    games: dict[str, tuple[int, int, str, str]]  # every game known once written
    stats_keys: tuple[StatsKey, ...]

    @property
    def changed_rows(self) -> int:
        return sum(t.inserted + t.updated for t in self.changes)


def stats_keys_of(source: Fast6File) -> list[StatsKey]:
    """The (player, season, team) keys of the file's player_stats, teams as codes."""
    return [
        (row["player_name"], row["season"], team_code(row["team"]) or row["team"])
        for row in source.rows.get("player_stats", [])
    ]


def plan_import(source: Fast6File, state: DatabaseState) -> ImportPlan:
    planner = _Planner(source, state)
    planner.users()
    planner.weeks()
    planner.games()
    placed = planner.place_picks()
    kept = planner.resolve_duplicates(placed)
    planner.player_stats()
    planner.picks(kept)
    planner.results(kept)
    planner.counters(kept)
    return ImportPlan(
        changes=tuple(planner.changes.values()),
        findings=tuple(source.value_findings) + tuple(planner.findings),
        writes=planner.writes,
        picks=tuple(kept),
        games=planner.known_games,
        stats_keys=tuple(planner.stats),
    )


class _Planner:
    def __init__(self, source: Fast6File, state: DatabaseState) -> None:
        self.source = source
        self.state = state
        self.findings: list[ImportFinding] = []
        self.changes: dict[str, TableChange] = {}
        self.writes: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.user_key: dict[int, str] = {}  # app user id → name key
        self.week_key: dict[int, tuple[int, int]] = {}  # app week id → (season, week)
        self.known_games: dict[str, tuple[int, int, str, str]] = {}
        # (season, week) → its games' ids, for picks without a game_id.
        self.games_of_week: dict[tuple[int, int], list[str]] = defaultdict(list)
        for game_id, game in state.games.items():
            self._know(game_id, game)
        self.stats: dict[StatsKey, SourceRow] = {}
        self.results_by_pick: dict[int, SourceRow] = {}
        self.moved_results: dict[int, SourceRow] = {}  # kept pick id → a removed pick's result
        for row in source.rows.get("results", []):
            # The app's UNIQUE(pick_id) came late: the latest result of a pick wins.
            earlier = self.results_by_pick.get(row["pick_id"])
            if earlier is not None:
                self.note(
                    Kind.DUPLICATE_RESULT,
                    "results",
                    earlier,
                    f"pick {row['pick_id']} has a later result, {row['id']}: that one is kept",
                )
            self.results_by_pick[row["pick_id"]] = row

    def note(self, kind: FindingKind, table: str, row: SourceRow, detail: str) -> None:
        logged = row.as_logged()
        if table == "picks" and row["id"] in self.results_by_pick:
            # The pick as the file has it, with its result.
            logged["result"] = self.results_by_pick[row["id"]].as_logged()
        self.findings.append(ImportFinding(kind, table, row.rowid, detail, logged))

    def count(self, table: str, source_rows: int, outcomes: list[bool | None]) -> None:
        """outcomes: True inserted, False updated, None unchanged; rows without one were
        merged into another or not taken."""
        self.changes[table] = TableChange(
            table,
            source_rows,
            inserted=sum(1 for o in outcomes if o is True),
            updated=sum(1 for o in outcomes if o is False),
            unchanged=sum(1 for o in outcomes if o is None),
        )

    def write(self, table: str, outcome: bool | None, values: dict[str, Any]) -> bool | None:
        if outcome is not None:
            self.writes[table].append(values)
        return outcome

    def users(self) -> None:
        rows = self.source.rows["users"]
        kept: dict[str, SourceRow] = {}
        for row in rows:
            key = self.state.name_keys[row["name"]]
            first = kept.setdefault(key, row)
            if first is not row:
                self.note(
                    Kind.DUPLICATE_USER,
                    "users",
                    row,
                    f"user {row['name']!r} is user {first['id']} ({first['name']!r}) once "
                    "case and spaces are ignored: merged into it, with its picks",
                )
            self.user_key[row["id"]] = key
        outcomes = []
        for key, row in kept.items():
            stored = self.state.users.get(key)
            values = {
                "name": row["name"],
                "email": row.get("email"),
                "is_admin": bool(row.get("is_admin")),
                "group_id": row.get("group_id"),
                "base_bet": row.get("base_bet"),
                "created_at": row.get("created_at") or (stored and stored.created_at),
            }
            if stored is None:
                outcome: bool | None = True
            else:
                now = (stored.email, stored.is_admin, stored.group_id, stored.base_bet)
                new = (values["email"], values["is_admin"], values["group_id"], values["base_bet"])
                same = now == new and stored.created_at == values["created_at"]
                outcome = None if same else False
            outcomes.append(self.write("users", outcome, values))
        self.count("nfl.users", len(rows), outcomes)

    def weeks(self) -> None:
        rows = self.source.rows["weeks"]
        kept: dict[tuple[int, int], SourceRow] = {}
        for row in rows:
            if not 1 <= row["week"] <= 23:
                self.note(
                    Kind.WEEK_OUT_OF_RANGE,
                    "weeks",
                    row,
                    f"week {row['week']} of {row['season']} is not an NFL week (1-23): "
                    "not imported, nor its picks",
                )
                continue
            key = (row["season"], row["week"])
            first = kept.setdefault(key, row)
            if first is not row:
                self.note(
                    Kind.DUPLICATE_WEEK,
                    "weeks",
                    row,
                    f"season {key[0]} week {key[1]} is week {first['id']}'s too: merged into "
                    "it, its picks moved there",
                )
            self.week_key[row["id"]] = key
        outcomes = []
        for (season, week), row in kept.items():
            values = {
                "season": season,
                "week": week,
                "started_at": row.get("started_at"),
                "ended_at": row.get("ended_at"),
                "created_at": row.get("created_at"),
            }
            stored = self.state.weeks.get((season, week))
            new = (values["started_at"], values["ended_at"], values["created_at"])
            outcome = True if stored is None else (None if stored == new else False)
            outcomes.append(self.write("weeks", outcome, values))
        self.count("nfl.weeks", len(rows), outcomes)

    def games(self) -> None:
        """The file's games, then every game a placeable pick's id names: all of them known
        before any pick looks for its game, so the file's row order does not matter."""
        rows = self.source.rows.get("games", [])
        outcomes: list[bool | None] = []
        for row in rows:
            parsed = parse_game_id(row["id"])
            status = row.get("status") or "scheduled"
            if status not in GAME_STATUSES:
                self.note(
                    Kind.GAME_STATUS_UNKNOWN,
                    "games",
                    row,
                    f"status {status!r} is none of {', '.join(GAME_STATUSES)}: stored as "
                    "scheduled until 'sync nfl' fills it",
                )
                status = "scheduled"
            values = {
                "id": row["id"],
                "season": row["season"],
                "week": row["week"],
                "game_type": parsed.game_type if parsed else "REG",
                "game_date": row.get("game_date"),
                "home_team": team_code(row["home_team"]) or row["home_team"],
                "away_team": team_code(row["away_team"]) or row["away_team"],
                "home_score": row.get("home_score"),
                "away_score": row.get("away_score"),
                "status": status,
            }
            outcomes.append(self._add_game(values))
        # A game named by picks counts once, new or already known: a second import of the
        # file finds it unchanged.
        named = {row["id"] for row in rows}
        for row in self.source.rows["picks"]:
            game_id = row.get("game_id")
            if not game_id or game_id in named or not self._placeable(row):
                continue
            named.add(game_id)
            if game_id in self.known_games:
                outcomes.append(None)
                continue
            parsed = parse_game_id(game_id)
            if parsed is None:
                continue  # the pick is reported when it is placed
            outcomes.append(
                self._add_game(
                    {
                        "id": parsed.id,
                        "season": parsed.season,
                        "week": parsed.week,
                        "game_type": parsed.game_type,
                        "game_date": None,
                        "home_team": parsed.home_team,
                        "away_team": parsed.away_team,
                        "home_score": None,
                        "away_score": None,
                        "status": "scheduled",
                    }
                )
            )
            self.note(
                Kind.GAME_PARSED,
                "picks",
                row,
                f"game {game_id} made from its id, scheduled until 'sync nfl' fills it",
            )
        self.count("nfl.games", len(outcomes), outcomes)

    def _add_game(self, values: dict[str, Any]) -> bool | None:
        # Games already in the database came from nflverse (sync nfl): they win.
        if values["id"] in self.known_games:
            return None
        game = (values["season"], values["week"], values["home_team"], values["away_team"])
        self._know(values["id"], game)
        return self.write("games", True, values)

    def _know(self, game_id: str, game: tuple[int, int, str, str]) -> None:
        self.known_games[game_id] = game
        self.games_of_week[game[0], game[1]].append(game_id)

    def _placeable(self, row: SourceRow) -> bool:
        return row["user_id"] in self.user_key and row["week_id"] in self.week_key

    def place_picks(self) -> list[PlannedPick]:
        """Each source pick with its user, week, team and game; or a finding."""
        placed = []
        for row in self.source.rows["picks"]:
            if not self._placeable(row):
                self.note(
                    Kind.UNPLACED_PICK,
                    "picks",
                    row,
                    f"user {row['user_id']} or week {row['week_id']} was not imported",
                )
                continue
            if row.swapped:
                self.note(Kind.SWAPPED_COLUMNS, "picks", row, "game_id and created_at swapped back")
            season, week = self.week_key[row["week_id"]]
            raw_team = row["team"]
            code = team_code(raw_team)
            if code is None:
                self.note(
                    Kind.TEAM_UNMAPPED,
                    "picks",
                    row,
                    f"team {raw_team!r} is no NFL team: kept as it is (grading tries both sides)",
                )
            elif code != raw_team:
                self.note(Kind.TEAM_MAPPED, "picks", row, f"team {raw_team!r} → {code}")
            game_id = self._game_of(row, season, week, code)
            if game_id is not None:
                key = (self.user_key[row["user_id"]], season, week, row["player_name"])
                placed.append(PlannedPick(row, key, code or raw_team, game_id))
        return placed

    def _game_of(self, row: SourceRow, season: int, week: int, code: str | None) -> str | None:
        game_id = row.get("game_id")
        if game_id:
            if game_id in self.known_games:
                return game_id
            self.note(
                Kind.UNPLACED_PICK,
                "picks",
                row,
                f"game_id {game_id!r} is not an nflverse id (season_WW_AWAY_HOME)",
            )
            return None
        # The old app's game_id could be null: the pick's team's game of its week.
        candidates = [
            gid
            for gid in self.games_of_week.get((season, week), ())
            if code in self.known_games[gid][2:]
        ]
        if code is not None and len(candidates) == 1:
            self.note(Kind.GAME_FOUND, "picks", row, f"no game_id: {code}'s game {candidates[0]}")
            return candidates[0]
        self.note(
            Kind.UNPLACED_PICK,
            "picks",
            row,
            f"no game_id, and no single game of {row['team']!r} in {season} week {week}: "
            "run 'cfbops --headless sync nfl', then import again",
        )
        return None

    def resolve_duplicates(self, placed: list[PlannedPick]) -> list[PlannedPick]:
        """V0105's rule: keep the latest pick of each (user, week, player); the kept pick
        takes the latest removed pick's result when it has none."""
        groups: dict[PickKey, list[PlannedPick]] = defaultdict(list)
        for pick in placed:
            groups[pick.key].append(pick)
        kept = []
        for picks in groups.values():
            picks.sort(key=lambda p: p.source["id"])
            keeper, removed = picks[-1], picks[:-1]
            kept.append(keeper)
            keeper_id = keeper.source["id"]
            moving = None
            if keeper_id not in self.results_by_pick:
                moving = next(
                    (
                        p.source["id"]
                        for p in reversed(removed)
                        if p.source["id"] in self.results_by_pick
                    ),
                    None,
                )
                if moving is not None:
                    self.moved_results[keeper_id] = self.results_by_pick[moving]
            for pick in removed:
                pick_id = pick.source["id"]
                action = (
                    "its result moved to the kept pick"
                    if pick_id == moving
                    else "its result dropped"
                    if pick_id in self.results_by_pick
                    else "no result"
                )
                self.note(
                    Kind.DUPLICATE_PICK,
                    "picks",
                    pick.source,
                    f"duplicate of pick {keeper_id} (kept, the latest): {action}",
                )
        kept.sort(key=lambda p: p.source["id"])
        return kept

    def picks(self, kept: list[PlannedPick]) -> None:
        outcomes = []
        for pick in kept:
            stored = self.state.picks.get(pick.key)
            row = pick.source
            created = row.get("created_at") or (stored and stored.created_at)
            pick.values = {
                "name_key": pick.key[0],
                "season": pick.key[1],
                "week": pick.key[2],
                "player_name": pick.key[3],
                "game_id": pick.game_id,
                "team": pick.team,
                "odds": row.get("odds"),
                "theoretical_return": row.get("theoretical_return"),
                "created_at": created,
            }
            if stored is None:
                pick.outcome = True
            else:
                pick.stored_position = stored.position
                now = (stored.game_id, stored.team, stored.odds, stored.theoretical_return)
                new = (pick.game_id, pick.team, row.get("odds"), row.get("theoretical_return"))
                pick.outcome = None if now == new and stored.created_at == created else False
            outcomes.append(self.write("picks", pick.outcome, pick.values))
        self.count("nfl.picks", len(self.source.rows["picks"]), outcomes)

    def _result_of(self, pick: PlannedPick) -> SourceRow | None:
        pick_id = pick.source["id"]
        return self.results_by_pick.get(pick_id) or self.moved_results.get(pick_id)

    def results(self, kept: list[PlannedPick]) -> None:
        source_results = self.source.rows.get("results", [])
        source_picks = {row["id"] for row in self.source.rows["picks"]}
        for row in source_results:
            if row["pick_id"] not in source_picks:
                self.note(
                    Kind.ORPHAN_RESULT, "results", row, f"pick {row['pick_id']} is not in the file"
                )
        outcomes = []
        for pick in kept:
            row = self._result_of(pick)
            if row is None:
                continue
            if row.get("is_correct") is None:
                self.note(
                    Kind.UNGRADED_RESULT,
                    "results",
                    row,
                    "is_correct is null: the pick stays ungraded for 'cfbops grade'",
                )
                continue
            stored_pick = self.state.picks.get(pick.key)
            stored = stored_pick.result if stored_pick else None
            values = {
                **{k: pick.values[k] for k in ("name_key", "season", "week", "player_name")},
                "actual_scorer": row.get("actual_scorer"),
                "is_correct": row["is_correct"],
                # The column came in the app's v3 with a NULL default: unknown is no TD.
                "any_time_td": bool(row.get("any_time_td")),
                "actual_return": row.get("actual_return"),
                "graded_at": row.get("created_at") or (stored and stored.graded_at),
            }
            if stored is None:
                outcome: bool | None = True
            else:
                now = (
                    stored.actual_scorer,
                    stored.is_correct,
                    stored.any_time_td,
                    stored.actual_return,
                    stored.graded_at,
                )
                new = tuple(
                    values[k]
                    for k in (
                        "actual_scorer",
                        "is_correct",
                        "any_time_td",
                        "actual_return",
                        "graded_at",
                    )
                )
                outcome = None if now == new else False
            outcomes.append(self.write("results", outcome, values))
        self.count("nfl.results", len(source_results), outcomes)

    def player_stats(self) -> None:
        rows = self.source.rows.get("player_stats", [])
        for row, key in zip(rows, stats_keys_of(self.source), strict=True):
            earlier = self.stats.get(key)
            if earlier is not None:
                self.note(
                    Kind.PLAYER_STATS_MERGED,
                    "player_stats",
                    earlier,
                    f"same player, season and team as row {row['id']} once the team "
                    f"is {key[2]}: the later row is kept",
                )
            self.stats[key] = row
        outcomes = []
        for key, row in self.stats.items():
            stored = self.state.player_stats.get(key)
            position = row.get("position")
            if _unknown(position) and stored is not None and stored[0] is not None:
                # A position the app did not know never overwrites one the database knows.
                position = stored[0]
            values = {
                "player_name": key[0],
                "season": key[1],
                "team": key[2],
                "position": position,
                "games_played": row.get("games_played") or 0,
                "red_zone_targets": row.get("red_zone_targets"),
                "red_zone_touches": row.get("red_zone_touches"),
                "last_td_week": row.get("last_td_week"),
                "recent_form": row.get("recent_form"),
                "updated_at": row.get("updated_at"),
            }
            new = tuple(values[k] for k in list(values)[3:])
            outcome = True if stored is None else (None if stored == new else False)
            outcomes.append(self.write("player_stats", outcome, values))
        self.count("nfl.player_stats", len(rows), outcomes)

    def counters(self, kept: list[PlannedPick]) -> None:
        """The app's touchdown counters against the ones the database recounts from its
        graded picks once the file is in."""
        if not self.stats:
            return
        graded = dict(self.state.graded)
        for pick in kept:
            row = self._result_of(pick)
            if row is not None and row.get("is_correct") is not None:
                graded[pick.key] = GradedPick(
                    pick.team, pick.game_id, row["is_correct"], bool(row.get("any_time_td"))
                )
            elif pick.key in graded:
                # The stored result stays with the pick, which may change team or game.
                stored = graded[pick.key]
                graded[pick.key] = GradedPick(
                    pick.team, pick.game_id, stored.is_correct, stored.any_time_td
                )
        first: dict[StatsKey, set[str]] = defaultdict(set)
        any_time: dict[StatsKey, set[str]] = defaultdict(set)
        for (_, season, _, player_name), g in graded.items():
            key = (player_name, season, g.team)
            if g.is_correct:
                first[key].add(g.game_id)
            if g.is_correct or g.any_time_td:
                any_time[key].add(g.game_id)
        for key, row in self.stats.items():
            app = (row.get("first_td_count") or 0, row.get("any_time_td_count") or 0)
            recounted = (len(first[key]), len(any_time[key]))
            if app != recounted:
                self.note(
                    Kind.COUNTER_RECOUNTED,
                    "player_stats",
                    row,
                    f"the app counted {app[0]} first / {app[1]} any-time TDs; "
                    f"recounted from graded picks: {recounted[0]} / {recounted[1]}",
                )


def _unknown(position: str | None) -> bool:
    return position is None or not position.strip() or position.lower() == "unknown"
