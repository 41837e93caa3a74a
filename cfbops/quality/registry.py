"""The registry of checks: one `.sql` file per family under `checks/`, plus the checks that
need Python (the API contract, the marts' and views' row counts).

A check in a family file is a block of `-- key: value` lines followed by its query, which
returns the failing rows:

    -- check: orphan_drives
    -- severity: error            (error | warn | info)
    -- threshold: 0               (failing rows allowed; "5%" = a share of `total`)
    -- total: SELECT count(*) …   (only with a percentage)
    -- summary: min(season) …     (an aggregate over the failing rows, for {summary})
    -- message: {count} drives whose game is missing
    -- action: run `cfbops …`
    SELECT …
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from functools import cache
from importlib import resources

from cfbops.errors import UsageError
from cfbops.quality.models import Check, Severity

# Package data, read through importlib.resources like every file cfbops ships.
CHECKS_DIR = resources.files("cfbops.quality").joinpath("checks")
_KEY_LINE = re.compile(r"^--\s*(check|severity|threshold|total|summary|message|action):\s*(.*)$")
_KEYS = ("severity", "threshold", "total", "summary", "message", "action")


def parse_family(family: str, text: str) -> tuple[Check, ...]:
    """The checks one family file declares, in file order."""
    blocks: list[tuple[dict[str, str], list[str]]] = []
    for line in text.splitlines():
        match = _KEY_LINE.match(line.strip())
        if match and match.group(1) == "check":
            blocks.append(({"check": match.group(2).strip()}, []))
        elif not blocks:
            continue  # the family's own comment
        elif match and not blocks[-1][1]:
            blocks[-1][0][match.group(1)] = match.group(2).strip()
        else:
            blocks[-1][1].append(line)
    return tuple(_check_from(family, keys, body) for keys, body in blocks)


def _check_from(family: str, keys: dict[str, str], body: list[str]) -> Check:
    name = keys["check"]
    missing = [k for k in ("severity", "message") if k not in keys]
    query = "\n".join(body).strip().rstrip(";").strip()
    if missing or not query:
        what = ", ".join(missing) if missing else "a query"
        raise ValueError(f"check {name} in {family}.sql lacks {what}")
    threshold_text = keys.get("threshold", "0")
    percent = threshold_text.endswith("%")
    if percent and "total" not in keys:
        raise ValueError(f"check {name} in {family}.sql has a percentage but no total")
    return Check(
        name=name,
        family=family,
        severity=Severity(keys["severity"]),
        message=keys["message"],
        action=keys.get("action", ""),
        query=query,
        threshold=float(threshold_text.rstrip("%")),
        percent=percent,
        total_query=keys.get("total"),
        summary=keys.get("summary"),
    )


@cache
def all_checks() -> tuple[Check, ...]:
    """Every registered check: the families' files in name order, then the Python ones."""
    from cfbops.quality.python_checks import PYTHON_CHECKS

    checks: list[Check] = []
    families = sorted((f for f in CHECKS_DIR.iterdir() if f.name.endswith(".sql")), key=str)
    for family in families:
        name = family.name.removesuffix(".sql")
        checks.extend(parse_family(name, family.read_text(encoding="utf-8")))
    checks.extend(PYTHON_CHECKS)
    names = [c.name for c in checks]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise ValueError(f"check names registered twice: {', '.join(duplicated)}")
    return tuple(checks)


def select_checks(
    selectors: Sequence[str], checks: Iterable[Check] | None = None
) -> tuple[Check, ...]:
    """Checks named by `--select`: a check's name or a whole family; none given = all."""
    pool = tuple(all_checks() if checks is None else checks)
    wanted = [s.strip() for selector in selectors for s in selector.split(",") if s.strip()]
    if not wanted:
        return pool
    families = {c.family for c in pool}
    names = {c.name for c in pool}
    unknown = [w for w in wanted if w not in names and w not in families]
    if unknown:
        raise UsageError(
            f"no check or family named {', '.join(unknown)} (families: "
            f"{', '.join(sorted(families))}; cfbops --headless check --list names every check)"
        )
    return tuple(c for c in pool if c.name in wanted or c.family in wanted)


def require_check(name: str) -> Check:
    """The check `--mute` or `--unmute` names, or one line saying it does not exist."""
    for check in all_checks():
        if check.name == name:
            return check
    raise UsageError(f"no check named {name!r} (cfbops --headless check --list names every check)")
