"""Fuzz: generated URLs and configuration values (seeded, bounded, in-process). Each is
either refused as one line naming its key (exit 2) or usable as loaded: the HTTP client
and libpq take it, and no password ever shows (issue 25 §5)."""

from __future__ import annotations

import json
import os
import random
import string
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from psycopg.conninfo import conninfo_to_dict

from cfbops.cli import main
from cfbops.config import load_settings
from cfbops.db.urls import redact_url
from cfbops.errors import ConfigError

SEED = 20261207
CASES = 800
# Characters a hostile or careless value holds: punctuation, controls, a NUL, non-ASCII.
NASTY = string.punctuation + " \t\n\r\x00\x7f" + "äé€"
SENTINEL = "Pw9Qz"  # in every generated password; must never be shown


def mutated(rng: random.Random, text: str) -> str:
    for _ in range(rng.randint(0, 2)):
        at = rng.randint(0, len(text))
        text = text[:at] + rng.choice(NASTY) + text[at:]
    return text


def http_urls(rng: random.Random) -> Iterator[str]:
    schemes = ["http://", "https://", "ftp://", "", "HTTP://", "http:/", "http:"]
    hosts = ["127.0.0.1", "[::1]", "[::1", "localhost", "", "api.example", "ä.example", "h h"]
    ports = ["", ":1", ":0", ":65535", ":65536", "::1", ":abc", ":+1", ":", ":" + "9" * 30]
    paths = ["", "/", "/trade-api/v2", "/a b", "/%zz", "/x?y", "/#f", "/?"]
    users = ["", "u@", "u:p@", "@"]
    while True:
        url = rng.choice(schemes) + rng.choice(users) + rng.choice(hosts)
        yield mutated(rng, url + rng.choice(ports) + rng.choice(paths))


def database_urls(rng: random.Random) -> Iterator[str]:
    """URLs of 127.0.0.1:1 (nothing listens), passwords full of punctuation."""
    while True:
        password = mutated(rng, "a") + SENTINEL + mutated(rng, "b")
        password += rng.choice(["", "@", "/", "#", "?", "%"])
        user = rng.choice(["ops", "", "o:p", "o@p"])
        query = rng.choice(["", "?connect_timeout=2", f"?password={password}", "?sslmode=x"])
        yield rng.choice(
            [
                f"postgresql://{user}:{password}@127.0.0.1:1/db{query}",
                f"postgres://{user}:{password}@127.0.0.1:1{query}",
                f"postgresql://127.0.0.1:1/db?connect_timeout=2&password={password}",
                f"host=127.0.0.1 port=1 password={password} connect_timeout=2",
            ]
        )


def scalar(rng: random.Random) -> object:
    return rng.choice(
        [
            rng.randint(-5, 10),
            rng.randint(10**6, 10**12),
            rng.choice(["0", "10", "-1", "2s", "10min", "99999999d", "1.5h", "abc", "", " "]),
            rng.choice([True, False]),
            rng.choice(["true", "yes", "off", "maybe", "1", "2"]),
            mutated(rng, "~/cfbops"),
            mutated(rng, "/tmp/cfbops-fuzz"),
            "~no_such_user_fuzz/x",
            mutated(rng, "KXNFLTD"),
            [mutated(rng, "KXNFLTD"), rng.choice(["KXNFLANYTD", 3, ""])],
        ]
    )


KEYS = {
    "connect_timeout": "CFBOPS_CONNECT_TIMEOUT",
    "lock_timeout": "CFBOPS_LOCK_TIMEOUT",
    "statement_timeout": "CFBOPS_STATEMENT_TIMEOUT",
    "read_only": "CFBOPS_READ_ONLY",
    "markets": "CFBOPS_MARKETS",
    "home": "CFBOPS_HOME",
    "sql_dir": "CFBOPS_SQL_DIR",
    "kalshi_series": "CFBOPS_KALSHI_SERIES",
    "cfbd_api_key": "CFBD_API_KEY",
}
URL_KEYS = {
    "cfbd_url": "CFBOPS_CFBD_URL",
    "kalshi_url": "CFBOPS_KALSHI_URL",
    "polymarket_url": "CFBOPS_POLYMARKET_URL",
}


def as_env(value: object) -> str | None:
    text = value if isinstance(value, str) else json.dumps(value)
    return None if "\x00" in text else text  # no environment can hold a NUL


GOOD = {
    "connect_timeout": 10,
    "lock_timeout": "2s",
    "statement_timeout": "10min",
    "read_only": True,
    "markets": False,
    "home": "/tmp/cfbops-fuzz-home",
    "sql_dir": "/tmp/cfbops-fuzz-sql",
    "kalshi_series": ["KXNFLTD"],
    "cfbd_api_key": "abc123",
    "cfbd_url": "http://127.0.0.1:9/v2",
    "kalshi_url": "https://127.0.0.1/trade-api/v2",
    "polymarket_url": "http://[::1]:8080",
}


def case(rng: random.Random, urls: Iterator[str], databases: Iterator[str]):
    """One generated configuration: (environment, config-file table). A few keys each,
    half of them sound, so that both loading and refusing are exercised."""
    env: dict[str, str] = {}
    table: dict[str, object] = {}
    if rng.random() < 0.5:
        table["database_url"] = next(databases)
    for key in rng.sample(sorted(GOOD), rng.randint(1, 3)):
        generated = next(urls) if key in URL_KEYS else scalar(rng)
        value = GOOD[key] if rng.random() < 0.5 else generated
        name = {**KEYS, **URL_KEYS}[key]
        if rng.random() < 0.5 and (text := as_env(value)) is not None and text.strip():
            env[name] = text
        else:
            table[key] = value
    return env, table


def toml(table: dict[str, object]) -> str:
    # JSON strings, numbers, booleans and arrays of them are TOML too.
    return "".join(f"{key} = {json.dumps(value)}\n" for key, value in table.items())


def assert_usable(settings) -> None:
    for url in (settings.cfbd_url, settings.kalshi_url, settings.polymarket_url):
        # What httpx.Client(base_url=…) does with it, without building an SSL context.
        target = httpx.URL(url.rstrip("/") + "/").join("markets").copy_merge_params({"limit": 1})
        httpx.Request("GET", target)
    if settings.database_url is not None:
        conninfo_to_dict(settings.database_url)
        assert SENTINEL not in redact_url(settings.database_url)
    assert 0 <= settings.connect_timeout <= 86_400
    assert all(s.isupper() or "-" in s or s.isalnum() for s in settings.kalshi_series)


def test_generated_configurations_load_usable_or_are_refused_naming_a_key(
    tmp_path: Path,
) -> None:
    rng = random.Random(SEED)
    urls, databases = http_urls(rng), database_urls(rng)
    outcomes = {"loaded": 0, "refused": 0}
    for number in range(CASES):
        env, table = case(rng, urls, databases)
        folder = tmp_path / str(number)
        folder.mkdir()
        (folder / "cfbops.toml").write_text(toml(table), encoding="utf-8")
        try:
            settings = load_settings(env=env, cwd=folder)
        except ConfigError as refusal:
            message = str(refusal)
            outcomes["refused"] += 1
            assert "\n" not in message, message
            named = [*KEYS, *KEYS.values(), *URL_KEYS, *URL_KEYS.values(), "database_url"]
            assert any(key in message for key in named), message
            assert SENTINEL not in message, message
        else:
            outcomes["loaded"] += 1
            assert_usable(settings)
    assert min(outcomes.values()) > CASES // 10, outcomes  # both ways well exercised


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in list(os.environ):
        if name.startswith(("PG", "CFBOPS_", "DATABASE_URL", "CFBD_")):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_generated_database_urls_end_status_with_a_documented_code_and_no_password(
    clean_environment: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rng = random.Random(SEED + 1)
    databases = database_urls(rng)
    for _ in range(120):
        url = next(databases).replace("\x00", "")  # no environment holds a NUL
        monkeypatch.setenv("DATABASE_URL", url)
        code = main(["--headless", "status", "--json"])
        out = capsys.readouterr()
        assert code in (2, 3), (url, out.err)
        assert SENTINEL not in out.out + out.err, url
        assert "internal error" not in out.err and "Traceback" not in out.err
        assert len(out.err.strip().splitlines()) == 1, out.err
        assert json.loads(out.out)["error"]["exit_code"] == code
