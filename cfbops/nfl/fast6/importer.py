"""`cfbops import fast6`: the picks app's SQLite data into `nfl.*`, in one transaction.

Rows are matched on the app's own natural keys (a user's name, a week's season and
number, a pick's user, week and player, a result's pick, a player's name, season and
team), so importing a file again changes nothing. What the import does not take over as
it is (duplicates, mapped or unmapped teams, parsed games, unplaceable picks) is logged
with the source row in `ops.fast6_import_findings`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from cfbops.config import Settings
from cfbops.db.connect import connect, require_writable
from cfbops.nfl.fast6 import queries as q
from cfbops.nfl.fast6.source import Fast6File, read_fast6
from cfbops.nfl.fast6.values import (
    ParsedGame,
    flag,
    integer,
    jsonable_row,
    looks_like_game_id,
    looks_like_timestamp,
    number,
    parse_game_id,
    timestamp,
)
from cfbops.nfl.teams import team_code
from cfbops.progress import ProgressCallback, TaskProgress, ignore_progress

# Kinds of findings; `unplaced_pick` and `orphan_result` are rows the import could not
# take over, the others say how a row was taken over.
UNPLACED_PICK = "unplaced_pick"
ORPHAN_RESULT = "orphan_result"
DUPLICATE_PICK = "duplicate_pick"
TEAM_MAPPED = "team_mapped"
TEAM_UNMAPPED = "team_unmapped"
GAME_PARSED = "game_parsed"
GAME_FOUND = "game_found"
SWAPPED_COLUMNS = "swapped_game_id_created_at"
UNGRADED_RESULT = "ungraded_result"
PLAYER_STATS_MERGED = "player_stats_merged"
COUNTER_RECOUNTED = "counter_recounted"
WEEK_OUT_OF_RANGE = "week_out_of_range"
DUPLICATE_RESULT = "duplicate_result"
NOT_IMPORTED = (UNPLACED_PICK, ORPHAN_RESULT, WEEK_OUT_OF_RANGE)


@dataclass(frozen=True, slots=True)
class TableChange:
    table: str
    source_rows: int
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def not_taken_over(self) -> int:
        """Source rows merged away (duplicates) or not placed: see the findings."""
        return self.source_rows - self.inserted - self.updated - self.unchanged


@dataclass(frozen=True, slots=True)
class ImportFinding:
    kind: str
    source_table: str
    source_id: int
    detail: str
    row: dict[str, Any] = field(repr=False)


@dataclass(frozen=True, slots=True)
class Fast6ImportResult:
    file: Path
    sha256: str
    shape: str
    dry_run: bool
    tables: tuple[TableChange, ...]
    findings: tuple[ImportFinding, ...]
    other_tables: dict[str, int]
    unknown_positions: int
    imported_picks: int

    @property
    def ok(self) -> bool:
        return not any(f.kind in NOT_IMPORTED for f in self.findings)

    @property
    def changed_rows(self) -> int:
        return sum(t.inserted + t.updated for t in self.tables)

    def count(self, kind: str) -> int:
        return sum(1 for f in self.findings if f.kind == kind)


def import_fast6(
    settings: Settings,
    path: Path,
    *,
    dry_run: bool = False,
    progress: ProgressCallback = ignore_progress,
) -> Fast6ImportResult:
    """Import the app's file; with `dry_run`, do it all and roll it back."""
    if not dry_run:
        require_writable(settings, "import fast6")
    source = read_fast6(path)
    with connect(settings) as conn:
        return import_with(conn, source, dry_run=dry_run, progress=progress)


def import_with(
    conn: psycopg.Connection,
    source: Fast6File,
    *,
    dry_run: bool = False,
    progress: ProgressCallback = ignore_progress,
) -> Fast6ImportResult:
    task = TaskProgress(progress, "import fast6", total=6)
    run = _Run(conn, source)
    tx = conn.transaction(force_rollback=dry_run)
    with tx:
        run.users()
        task.step("users")
        run.weeks()
        task.step("weeks")
        run.games()
        task.step("games")
        placed = run.place_picks()
        kept = run.resolve_duplicates(placed)
        run.player_stats()
        task.step("player_stats")
        run.picks(kept)
        task.step("picks")
        run.results(kept)
        run.counters()
        task.step("results")
        unknown = conn.execute(q.UNKNOWN_POSITIONS, (list(run.pick_ids.values()),)).fetchone()[0]
        result = Fast6ImportResult(
            file=source.path,
            sha256=source.sha256,
            shape=source.shape,
            dry_run=dry_run,
            tables=tuple(run.changes[t] for t in run.changes),
            findings=tuple(run.findings),
            other_tables=source.other_tables,
            unknown_positions=unknown,
            imported_picks=len(run.pick_ids),
        )
        if not dry_run:
            run.log(result)
    return result


class _Run:
    """One import's state: source ids mapped to database ids, changes, findings."""

    def __init__(self, conn: psycopg.Connection, source: Fast6File) -> None:
        self.conn = conn
        self.source = source
        self.user_ids: dict[int, int] = {}
        self.week_map: dict[int, tuple[int, int, int]] = {}  # source id → (id, season, week)
        self.pick_ids: dict[int, int] = {}  # kept source pick id → database id
        self.moved_results: dict[int, dict[str, Any]] = {}  # kept pick id → result row
        self.changes: dict[str, TableChange] = {}
        self.findings: list[ImportFinding] = []
        self.results_by_pick: dict[int, dict[str, Any]] = {}
        self.source_picks = {row["id"]: row for row in source.rows["picks"]}
        for row in source.rows.get("results", []):
            # The app's UNIQUE(pick_id) came late: the latest result of a pick wins.
            earlier = self.results_by_pick.get(row["pick_id"])
            if earlier is not None:
                self.note(
                    DUPLICATE_RESULT,
                    "results",
                    earlier,
                    f"pick {row['pick_id']} has a later result, {row['id']}: that one is kept",
                )
            self.results_by_pick[row["pick_id"]] = row
        self.known_games = {
            r[0]: (r[1], r[2], r[3], r[4]) for r in conn.execute(q.ALL_GAMES).fetchall()
        }

    def note(self, kind: str, table: str, row: dict[str, Any], detail: str) -> None:
        source_id = int(row["id"])
        if table == "picks":
            # The pick as the file has it (not as mapped), with its result if any.
            row = self._with_result(self.source_picks[source_id])
        self.findings.append(ImportFinding(kind, table, source_id, detail, row))

    def count(self, table: str, source_rows: int, outcomes: list[bool | None]) -> None:
        """outcomes: True inserted, False updated, None unchanged."""
        self.changes[table] = TableChange(
            table,
            source_rows,
            inserted=sum(1 for o in outcomes if o is True),
            updated=sum(1 for o in outcomes if o is False),
            unchanged=sum(1 for o in outcomes if o is None),
        )

    def upsert(self, statement: str, params: dict[str, Any]) -> tuple[int, bool | None]:
        row = self.conn.execute(statement, params).fetchone()
        if row is not None:
            return row[0], row[1]
        # The row exists and nothing differs: the upsert's WHERE skipped it.
        return -1, None

    def users(self) -> None:
        rows = self.source.rows["users"]
        outcomes = []
        for row in rows:
            params = {
                "name": row["name"],
                "email": row.get("email"),
                "is_admin": bool(flag(row.get("is_admin"))),
                "group_id": integer(row.get("group_id")),
                "base_bet": number(row.get("base_bet")),
                "created_at": timestamp(row.get("created_at")),
            }
            found = self.conn.execute(q.FIND_USER, params).fetchone()
            if found is None:
                user_id = self.conn.execute(q.INSERT_USER, params).fetchone()[0]
                outcomes.append(True)
            else:
                user_id = found[0]
                changed = self.conn.execute(q.UPDATE_USER, {**params, "id": user_id}).rowcount
                outcomes.append(False if changed else None)
            self.user_ids[row["id"]] = user_id
        self.count("nfl.users", len(rows), outcomes)

    def weeks(self) -> None:
        rows = self.source.rows["weeks"]
        outcomes = []
        for row in rows:
            if not 1 <= (integer(row["week"]) or 0) <= 23:
                self.note(
                    WEEK_OUT_OF_RANGE,
                    "weeks",
                    row,
                    f"week {row['week']!r} is not an NFL week (1-23): not imported",
                )
                outcomes.append(None)
                continue
            params = {
                "season": integer(row["season"]),
                "week": integer(row["week"]),
                "started_at": timestamp(row.get("started_at")),
                "ended_at": timestamp(row.get("ended_at")),
                "created_at": timestamp(row.get("created_at")),
            }
            week_id, outcome = self.upsert(q.UPSERT_WEEK, params)
            if week_id < 0:
                week_id = self.conn.execute(q.FIND_WEEK, params).fetchone()[0]
            self.week_map[row["id"]] = (week_id, params["season"], params["week"])
            outcomes.append(outcome)
        self.count("nfl.weeks", len(rows), outcomes)

    def games(self) -> None:
        rows = self.source.rows.get("games", [])
        outcomes: list[bool | None] = []
        for row in rows:
            home, away = team_code(row["home_team"]), team_code(row["away_team"])
            parsed = parse_game_id(row["id"])
            params = {
                "id": row["id"],
                "season": integer(row["season"]),
                "week": integer(row["week"]),
                "game_type": parsed.game_type if parsed else "REG",
                "game_date": row.get("game_date"),
                "home_team": home or row["home_team"],
                "away_team": away or row["away_team"],
                "home_score": integer(row.get("home_score")),
                "away_score": integer(row.get("away_score")),
                "status": row.get("status") or "scheduled",
            }
            outcomes.append(self._add_game(params))
        self.changes["nfl.games"] = TableChange("nfl.games", len(rows))
        self._game_outcomes = outcomes

    def _add_game(self, params: dict[str, Any]) -> bool | None:
        # Games already in the database came from nflverse (sync nfl): they win.
        if params["id"] in self.known_games:
            return None
        self.conn.execute(q.INSERT_GAME, params)
        self.known_games[params["id"]] = (
            params["season"],
            params["week"],
            params["home_team"],
            params["away_team"],
        )
        return True

    def place_picks(self) -> list[dict[str, Any]]:
        """Each source pick with its database user, week, team and game; or a finding."""
        placed = []
        parsed_games: list[bool | None] = []
        for row in self.source.rows["picks"]:
            row = dict(row)
            if row["user_id"] not in self.user_ids or row["week_id"] not in self.week_map:
                self.note(
                    UNPLACED_PICK,
                    "picks",
                    self._with_result(row),
                    f"user {row['user_id']} or week {row['week_id']} was not imported",
                )
                continue
            if looks_like_timestamp(row.get("game_id")) and looks_like_game_id(
                row.get("created_at")
            ):
                # The app's migration v11 swapped the two on some rows; v15 swapped back.
                row["game_id"], row["created_at"] = row["created_at"], row["game_id"]
                self.note(SWAPPED_COLUMNS, "picks", row, "game_id and created_at swapped back")
            _, season, week = self.week_map[row["week_id"]]
            raw_team = row["team"]
            code = team_code(raw_team)
            if code is None:
                self.note(
                    TEAM_UNMAPPED,
                    "picks",
                    row,
                    f"team {raw_team!r} is no NFL team: kept as it is (grading tries both sides)",
                )
            elif code != raw_team:
                self.note(TEAM_MAPPED, "picks", row, f"team {raw_team!r} → {code}")
            row["team"] = code or raw_team
            game_id = self._game_of(row, season, week, code, parsed_games)
            if game_id is None:
                continue
            row["game_id"] = game_id
            row["db_user_id"] = self.user_ids[row["user_id"]]
            row["db_week_id"] = self.week_map[row["week_id"]][0]
            placed.append(row)
        games = self.changes["nfl.games"]
        self.count(
            "nfl.games", games.source_rows + len(parsed_games), self._game_outcomes + parsed_games
        )
        return placed

    def _game_of(
        self,
        row: dict[str, Any],
        season: int,
        week: int,
        code: str | None,
        parsed_games: list[bool | None],
    ) -> str | None:
        game_id = row.get("game_id")
        if game_id:
            if game_id in self.known_games:
                return game_id
            parsed = parse_game_id(game_id)
            if parsed is None:
                self.note(
                    UNPLACED_PICK,
                    "picks",
                    self._with_result(row),
                    f"game_id {game_id!r} is not an nflverse id (season_WW_AWAY_HOME)",
                )
                return None
            parsed_games.append(self._add_game(_scheduled(parsed)))
            self.note(
                GAME_PARSED,
                "picks",
                row,
                f"game {game_id} made from its id, scheduled until 'sync nfl' fills it",
            )
            return game_id
        # The old app's game_id could be null: the pick's team's game of its week.
        candidates = [
            gid
            for gid, (g_season, g_week, home, away) in self.known_games.items()
            if (g_season, g_week) == (season, week) and code in (home, away)
        ]
        if code is not None and len(candidates) == 1:
            self.note(GAME_FOUND, "picks", row, f"no game_id: {code}'s game {candidates[0]}")
            return candidates[0]
        self.note(
            UNPLACED_PICK,
            "picks",
            self._with_result(row),
            f"no game_id, and no single game of {row['team']!r} in {season} week {week}: "
            "run 'cfbops --headless sync nfl', then import again",
        )
        return None

    def _with_result(self, row: dict[str, Any]) -> dict[str, Any]:
        result = self.results_by_pick.get(row["id"])
        return {**row, "result": result} if result else row

    def resolve_duplicates(self, placed: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """V0105's rule: keep the latest pick of each (user, week, player); the kept pick
        takes the latest removed pick's result when it has none."""
        groups: dict[tuple[int, int, str], list[dict[str, Any]]] = defaultdict(list)
        for row in placed:
            groups[row["db_user_id"], row["db_week_id"], row["player_name"]].append(row)
        kept = []
        for rows in groups.values():
            rows.sort(key=lambda r: r["id"])
            keeper, removed = rows[-1], rows[:-1]
            kept.append(keeper)
            moving = None
            if keeper["id"] not in self.results_by_pick:
                moving = next(
                    (r["id"] for r in reversed(removed) if r["id"] in self.results_by_pick), None
                )
                if moving is not None:
                    self.moved_results[keeper["id"]] = self.results_by_pick[moving]
            for row in removed:
                has_result = row["id"] in self.results_by_pick
                action = (
                    "its result moved to the kept pick"
                    if row["id"] == moving
                    else "its result dropped"
                    if has_result
                    else "no result"
                )
                self.note(
                    DUPLICATE_PICK,
                    "picks",
                    self._with_result(row),
                    f"duplicate of pick {keeper['id']} (kept, the latest): {action}",
                )
        kept.sort(key=lambda r: r["id"])
        return kept

    def picks(self, kept: list[dict[str, Any]]) -> None:
        outcomes = []
        for row in kept:
            created = timestamp(row.get("created_at"))
            params = {
                "user_id": row["db_user_id"],
                "week_id": row["db_week_id"],
                "game_id": row["game_id"],
                "team": row["team"],
                "player_name": row["player_name"],
                "odds": number(row.get("odds")),
                "theoretical_return": number(row.get("theoretical_return")),
                "created_at": created,
            }
            pick_id, outcome = self.upsert(q.UPSERT_PICK, params)
            if pick_id < 0:
                pick_id = self.conn.execute(q.FIND_PICK, params).fetchone()[0]
            self.pick_ids[row["id"]] = pick_id
            outcomes.append(outcome)
        self.count("nfl.picks", len(self.source.rows["picks"]), outcomes)

    def results(self, kept: list[dict[str, Any]]) -> None:
        outcomes = []
        source_picks = {row["id"] for row in self.source.rows["picks"]}
        for row in self.source.rows.get("results", []):
            if row["pick_id"] not in source_picks:
                self.note(
                    ORPHAN_RESULT, "results", row, f"pick {row['pick_id']} is not in the file"
                )
        for pick_row in kept:
            row = self.results_by_pick.get(pick_row["id"]) or self.moved_results.get(pick_row["id"])
            if row is None:
                continue
            is_correct = flag(row.get("is_correct"))
            if is_correct is None:
                self.note(
                    UNGRADED_RESULT,
                    "results",
                    row,
                    "is_correct is null: the pick stays ungraded for 'cfbops grade'",
                )
                continue
            params = {
                "pick_id": self.pick_ids[pick_row["id"]],
                "actual_scorer": row.get("actual_scorer"),
                "is_correct": is_correct,
                # The column came in the app's v3 with a NULL default: unknown is no TD.
                "any_time_td": bool(flag(row.get("any_time_td"))),
                "actual_return": number(row.get("actual_return")),
                "graded_at": timestamp(row.get("created_at")),
            }
            _, outcome = self.upsert(q.UPSERT_RESULT, params)
            outcomes.append(outcome)
        self.count("nfl.results", len(self.source.rows.get("results", [])), outcomes)

    def player_stats(self) -> None:
        rows = self.source.rows.get("player_stats", [])
        by_key: dict[tuple[str, int, str], dict[str, Any]] = {}
        for row in rows:
            team = team_code(row["team"]) or row["team"]
            key = (row["player_name"], integer(row["season"]), team)
            if key in by_key:
                self.note(
                    PLAYER_STATS_MERGED,
                    "player_stats",
                    by_key[key],
                    f"same player, season and team as row {row['id']} once the team "
                    f"is {team}: the later row is kept",
                )
            by_key[key] = {**row, "team": team}
        outcomes = []
        for (name, season, team), row in by_key.items():
            params = {
                "player_name": name,
                "season": season,
                "team": team,
                "position": row.get("position"),
                "games_played": integer(row.get("games_played")) or 0,
                "red_zone_targets": integer(row.get("red_zone_targets")),
                "red_zone_touches": integer(row.get("red_zone_touches")),
                "last_td_week": integer(row.get("last_td_week")),
                "recent_form": row.get("recent_form"),
                "updated_at": timestamp(row.get("updated_at")),
            }
            _, outcome = self.upsert(q.UPSERT_PLAYER_STATS, params)
            outcomes.append(outcome)
        self._player_stats_rows = by_key
        self.count("nfl.player_stats", len(rows), outcomes)

    def counters(self) -> None:
        """The app's touchdown counters against the ones the triggers recount."""
        rows = getattr(self, "_player_stats_rows", {})
        if not rows:
            return
        keys = list(rows)
        counted = {
            (r[0], r[1], r[2]): (r[3], r[4])
            for r in self.conn.execute(
                q.PLAYER_COUNTERS,
                ([k[0] for k in keys], [k[1] for k in keys], [k[2] for k in keys]),
            ).fetchall()
        }
        for key, row in rows.items():
            app = (
                integer(row.get("first_td_count")) or 0,
                integer(row.get("any_time_td_count")) or 0,
            )
            recounted = counted.get(key, (0, 0))
            if app != recounted:
                self.note(
                    COUNTER_RECOUNTED,
                    "player_stats",
                    row,
                    f"the app counted {app[0]} first / {app[1]} any-time TDs; "
                    f"recounted from graded picks: {recounted[0]} / {recounted[1]}",
                )

    def log(self, result: Fast6ImportResult) -> None:
        self.conn.execute(
            q.INSERT_IMPORT,
            (
                str(result.file),
                result.sha256,
                result.shape,
                Jsonb(
                    {t.table: {"inserted": t.inserted, "updated": t.updated} for t in result.tables}
                ),
                len(result.findings),
            ),
        )
        with self.conn.cursor() as cur:
            cur.executemany(
                q.INSERT_FINDING,
                [
                    (
                        result.sha256,
                        f.kind,
                        f.source_table,
                        f.source_id,
                        Jsonb(jsonable_row(f.row)),
                        f.detail,
                    )
                    for f in result.findings
                ],
            )


def _scheduled(parsed: ParsedGame) -> dict[str, Any]:
    return {
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
