"""Team codes: every era's code and every spelling the picks app held map to nflverse's."""

from __future__ import annotations

import pytest

from cfbops.nfl.teams import TEAM_CODES, is_team_code, team_code


def test_there_are_thirty_two_current_codes_with_the_rams_as_la_and_washington_as_was():
    assert len(TEAM_CODES) == 32
    assert {"LA", "WAS", "LV", "LAC"} <= TEAM_CODES
    assert not {"LAR", "WSH", "OAK", "SD", "STL"} & TEAM_CODES


@pytest.mark.parametrize(
    ("former", "current"),
    [("OAK", "LV"), ("SD", "LAC"), ("STL", "LA"), ("LAR", "LA"), ("WSH", "WAS"), ("JAC", "JAX")],
)
def test_a_relocated_or_respelled_code_becomes_the_current_one(former, current):
    assert team_code(former) == current


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("Kansas City Chiefs", "KC"),
        ("Los Angeles Rams", "LA"),
        ("LA Rams", "LA"),
        ("LA Chargers", "LAC"),
        ("NY Giants", "NYG"),
        ("New York Jets", "NYJ"),
        ("Washington", "WAS"),
        ("Washington Commanders", "WAS"),
        ("St. Louis Rams", "LA"),
        ("Oakland Raiders", "LV"),
        ("san francisco 49ers", "SF"),
        ("  Green   Bay Packers ", "GB"),
    ],
)
def test_full_names_and_the_apps_short_forms_map_to_codes(name, code):
    assert team_code(name) == code


@pytest.mark.parametrize("text", ["Unknown", "", "Los Angeles", "New York", "XYZ", None])
def test_unknown_or_ambiguous_text_maps_to_no_team(text):
    assert team_code(text) is None


def test_current_codes_map_to_themselves_in_any_case():
    assert all(team_code(code) == code for code in TEAM_CODES)
    assert team_code("kc") == "KC"
    assert is_team_code("KC") and not is_team_code("kc") and not is_team_code("OAK")
