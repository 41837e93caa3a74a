"""The columns upstream's warehouse holds in the objects cfbops also defines (UPSTREAM.md
§H.3): at Sprint 5 (a5e6bb5) and what HEAD (f3f9a38) adds. Each entry is "name type, …"
in upstream's order, with UPSTREAM.md's type names."""

from __future__ import annotations

SPRINT5: dict[str, str] = {
    "api.game_detail": (
        "game_id bigint, season bigint, week bigint, season_type varchar, start_date "
        "timestamptz, start_time_tbd bool, completed bool, neutral_site bool, conference_game "
        "bool, home_team varchar, home_conference varchar, home_points bigint, "
        "home_pregame_elo bigint, home_epa numeric, home_success_rate numeric, away_team "
        "varchar, away_conference varchar, away_points bigint, away_pregame_elo bigint, "
        "away_epa numeric, away_success_rate numeric, winner varchar, point_diff bigint, "
        "home_spread float8, over_under float8, line_provider varchar, spread_result text, "
        "ou_result text, pregame_home_win_prob float8, venue varchar, venue_id bigint, "
        "attendance bigint, excitement_index float8"
    ),
    "api.leaderboard_teams": (
        "team varchar, conference text, season bigint, games int, wins int, losses int, "
        "win_pct numeric, conf_wins int, conf_losses int, ppg numeric, opp_ppg numeric, "
        "avg_margin numeric, sp_rating float8, sp_rank bigint, sp_offense float8, sp_defense "
        "float8, elo bigint, fpi float8, epa_per_play numeric, epa_tier text, success_rate "
        "numeric, explosiveness numeric, total_plays bigint, recruiting_rank bigint, "
        "recruiting_points float8, wins_rank bigint, ppg_rank bigint, defense_ppg_rank "
        "bigint, epa_rank bigint"
    ),
    "api.matchup": (
        "team1 varchar, team2 varchar, total_games bigint, team1_wins bigint, team2_wins "
        "bigint, ties bigint, first_meeting bigint, last_meeting bigint, recent_results "
        "jsonb[], team1_season bigint, team1_wins_season int, team1_losses_season int, "
        "team1_sp_rank bigint, team1_epa numeric, team1_epa_tier text, team2_season bigint, "
        "team2_wins_season int, team2_losses_season int, team2_sp_rank bigint, team2_epa "
        "numeric, team2_epa_tier text"
    ),
    "api.recruit_lookup": (
        "id varchar, athlete_id varchar, recruit_type varchar, year bigint, ranking bigint, "
        "name varchar, school varchar, committed_to varchar, position varchar, height bigint, "
        "weight bigint, stars bigint, rating float8, city varchar, state_province varchar, "
        "country varchar"
    ),
    "api.roster_lookup": (
        "id varchar, first_name varchar, last_name varchar, team varchar, position varchar, "
        "height bigint, weight bigint, year bigint, jersey bigint, home_city varchar, "
        "home_state varchar, home_country varchar"
    ),
    "api.team_detail": (
        "school varchar, mascot varchar, abbreviation varchar, color varchar, alternate_color "
        "varchar, logo_url varchar, conference varchar, classification varchar, "
        "current_season bigint, games int, wins int, losses int, conf_wins int, conf_losses "
        "int, ppg numeric, opp_ppg numeric, avg_margin numeric, sp_rating float8, sp_rank "
        "bigint, sp_offense float8, sp_defense float8, elo bigint, fpi float8, epa_per_play "
        "numeric, epa_tier text, success_rate numeric, explosiveness numeric, recruiting_rank "
        "bigint, recruiting_points float8"
    ),
    "api.team_history": (
        "team varchar, season bigint, conference text, games int, wins int, losses int, "
        "conf_wins int, conf_losses int, ppg numeric, opp_ppg numeric, avg_margin numeric, "
        "sp_rating float8, sp_rank bigint, elo bigint, fpi float8, epa_per_play numeric, "
        "epa_tier text, success_rate numeric, explosiveness numeric, total_plays bigint, "
        "recruiting_rank bigint, recruiting_points float8"
    ),
    "marts._game_epa_calc": (
        "game_id bigint, team varchar, epa_per_play numeric, success_rate numeric, "
        "explosiveness numeric, plays_non_garbage bigint, plays_total bigint"
    ),
    "marts.coach_record": (
        "coach_name text, first_name varchar, last_name varchar, team varchar, first_season "
        "bigint, last_season bigint, seasons_at_team bigint, total_games int, total_wins int, "
        "total_losses int, total_ties int, win_pct numeric, best_preseason_rank bigint, "
        "best_postseason_rank bigint, avg_sp_rating numeric, avg_recruiting_rank numeric"
    ),
    "marts.conference_era_summary": (
        "era_code varchar, era_name varchar, conference varchar, seasons bigint, avg_epa "
        "numeric(6,4), avg_success_rate numeric(5,3), avg_teams numeric(4,1), best_season_epa "
        "numeric(6,4), worst_season_epa numeric(6,4), era_rank bigint"
    ),
    "marts.defensive_havoc": (
        "team varchar, season bigint, defensive_plays bigint, opp_epa_per_play numeric, "
        "opp_success_rate numeric, havoc_plays int, havoc_rate numeric, sacks int, "
        "interceptions int, fumbles int, turnovers_forced int, stuffs int, stuff_rate "
        "numeric, tfls int"
    ),
    "marts.matchup_edges": (
        "season bigint, game_id bigint, team_a varchar, team_b varchar, team_a_points bigint, "
        "team_b_points bigint, a_run_rate numeric(5,3), a_offensive_identity text, "
        "a_epa_rushing numeric(6,4), a_epa_passing numeric(6,4), a_tempo text, b_run_rate "
        "numeric(5,3), b_offensive_identity text, b_epa_rushing numeric(6,4), b_epa_passing "
        "numeric(6,4), b_tempo text, a_rush_edge numeric(6,4), a_pass_edge numeric(6,4), "
        "b_rush_edge numeric(6,4), b_pass_edge numeric(6,4), tempo_mismatch numeric(5,1), "
        "net_edge_a numeric(6,4), actual_winner text, actual_margin bigint"
    ),
    "marts.matchup_history": (
        "team1 varchar, team2 varchar, total_games bigint, team1_wins int, team2_wins int, "
        "ties int, first_meeting_year bigint, last_meeting_year bigint, first_meeting_date "
        "timestamptz, last_meeting_date timestamptz, avg_margin numeric, largest_margin int, "
        "team1_avg_margin numeric, team1_total_points int, team2_total_points int, "
        "team1_wins_last_10yr int, team2_wins_last_10yr int, games_last_10yr int, last_winner "
        "varchar"
    ),
    "marts.play_epa": (
        "play_id varchar, game_id bigint, drive_id varchar, season bigint, offense varchar, "
        "defense varchar, down bigint, distance bigint, yards_to_goal bigint, yards_gained "
        "bigint, play_type varchar, play_text varchar, scoring bool, period bigint, epa "
        "float8, success int, explosive int, down_name text, distance_bucket text, "
        "field_position text, is_garbage_time bool, play_category text"
    ),
    "marts.player_game_epa": (
        "game_id bigint, season bigint, team varchar, player_name text, play_category text, "
        "plays bigint, total_epa numeric(8,2), epa_per_play numeric(6,4), success_rate "
        "numeric(5,3), explosive_plays bigint, total_yards numeric"
    ),
    "marts.player_season_epa": (
        "season bigint, team varchar, player_name text, play_category text, games bigint, "
        "total_plays numeric, total_epa numeric(8,2), epa_per_play numeric(6,4), success_rate "
        "numeric(5,3), explosive_plays numeric, total_yards numeric, plays_per_game "
        "numeric(5,1), epa_rank bigint"
    ),
    "marts.recruiting_class": (
        "team varchar, year bigint, national_rank bigint, total_points float8, total_commits "
        "bigint, five_stars int, four_stars int, three_stars int, two_stars int, unrated int, "
        "blue_chip_ratio numeric, avg_rating numeric, top_rating float8, best_recruit_rank "
        "bigint, qb_commits int, rb_commits int, receiver_commits int, oline_commits int, "
        "dline_commits int, lb_commits int, db_commits int, top_position_group text"
    ),
    "marts.scoring_opportunities": (
        "team varchar, season bigint, total_drives bigint, scoring_drives bigint, "
        "scoring_rate numeric, td_drives bigint, td_rate numeric, points_per_drive numeric, "
        "turnover_drives bigint, turnover_rate numeric, punt_drives bigint, punt_rate "
        "numeric, avg_plays_per_drive numeric, avg_yards_per_drive numeric, "
        "avg_time_per_drive numeric, red_zone_drives bigint, red_zone_scores bigint, "
        "red_zone_scoring_rate numeric, red_zone_td_rate numeric"
    ),
    "marts.situational_splits": (
        "team varchar, season bigint, total_plays bigint, epa_per_play numeric, success_rate "
        "numeric, first_down_epa numeric, first_down_success numeric, second_down_epa "
        "numeric, second_down_success numeric, third_down_epa numeric, third_down_success "
        "numeric, third_down_attempts bigint, third_short_success numeric, "
        "third_medium_success numeric, third_long_success numeric, standard_down_epa numeric, "
        "passing_down_epa numeric, standard_down_success numeric, passing_down_success "
        "numeric, red_zone_plays bigint, red_zone_epa numeric, red_zone_success numeric, "
        "backed_up_epa numeric, scoring_position_epa numeric, late_close_plays bigint, "
        "late_close_epa numeric, late_close_success numeric, two_minute_plays bigint, "
        "two_minute_epa numeric, rush_plays bigint, rush_epa numeric, rush_success numeric, "
        "pass_plays bigint, pass_epa numeric, pass_success numeric, rush_rate numeric"
    ),
    "marts.team_epa_season": (
        "team varchar, season bigint, epa_per_play numeric, success_rate numeric, "
        "explosiveness numeric, epa_tier text, total_plays bigint, games_played int"
    ),
    "marts.team_season_summary": (
        "team varchar, conference text, season bigint, games int, wins int, losses int, "
        "conf_wins int, conf_losses int, ppg numeric, opp_ppg numeric, avg_margin numeric, "
        "sp_rating float8, sp_rank bigint, sp_offense float8, sp_defense float8, elo bigint, "
        "fpi float8, recruiting_rank bigint, recruiting_points float8"
    ),
    "marts.team_season_trajectory": (
        "team varchar, season bigint, epa_per_play numeric, success_rate numeric, epa_tier "
        "text, total_plays bigint, games_played int, total_wins int, total_losses int, "
        "win_pct numeric, conf_wins int, conf_losses int, recruiting_rank bigint, "
        "recruiting_points float8, era_code varchar, era_name varchar, prev_epa numeric, "
        "epa_delta numeric, prev_win_pct numeric, win_pct_delta numeric, prev_recruiting_rank "
        "bigint, recruiting_rank_improvement bigint"
    ),
    "marts.team_style_profile": (
        "season bigint, team varchar, run_rate numeric(5,3), pass_rate numeric(5,3), "
        "epa_rushing numeric(6,4), epa_passing numeric(6,4), rush_success_rate numeric(5,3), "
        "pass_success_rate numeric(5,3), plays_per_game numeric(5,1), tempo_category text, "
        "def_epa_vs_run numeric(6,4), def_epa_vs_pass numeric(6,4), def_epa_allowed "
        "numeric(6,4), offensive_identity text, defensive_identity text"
    ),
    "marts.team_talent_composite": (
        "team varchar, season bigint, roster_size bigint, five_stars bigint, four_stars "
        "bigint, three_stars bigint, low_stars bigint, blue_chip_ratio numeric, "
        "avg_recruit_rating numeric, transfers_in bigint, avg_transfer_stars numeric, "
        "talent_score numeric"
    ),
    "marts.team_tempo_metrics": (
        "season bigint, team varchar, games bigint, total_plays numeric, plays_per_game "
        "numeric, tempo_tier text, epa_per_play numeric, success_rate numeric, explosiveness "
        "numeric"
    ),
    "scouting.player_mart": "",
}

HEAD_ADDITIONS: dict[str, str] = {
    "api.leaderboard_teams": "classification varchar",
    "api.team_detail": "core_overall bigint, core_offense varchar, core_defense varchar",
    "api.team_history": (
        "sp_offense float8, sp_defense float8, core_overall bigint, core_offense varchar, "
        "core_defense varchar"
    ),
    "marts.defensive_havoc": "front_seven_havoc_rate numeric, db_havoc_rate numeric",
    "marts.player_game_epa": "athlete_id varchar",
    "marts.player_season_epa": "athlete_id varchar",
    "marts.team_season_summary": "core_overall bigint, core_offense varchar, core_defense varchar",
    "marts.team_season_trajectory": "games int, wins int, off_epa_rank int, def_epa_rank int",
    "scouting.player_mart": (
        "player_id varchar, name text, team varchar, position varchar, roster_year bigint, "
        "height bigint, weight bigint, jersey bigint, home_city varchar, home_state varchar, "
        "stars bigint, recruit_rating float8, national_ranking bigint, recruit_class bigint, "
        "high_school varchar, scouting_id int, composite_grade int, traits jsonb, "
        "draft_projection text, comps text[], scouting_status text, portal_status text, "
        "portal_destination text, portal_date date, pass_att numeric, pass_cmp numeric, "
        "pass_yds numeric, pass_td numeric, pass_int numeric, pass_pct numeric, rush_car "
        "numeric, rush_yds numeric, rush_td numeric, rush_ypc numeric, rec numeric, rec_yds "
        "numeric, rec_td numeric, rec_ypr numeric, tackles numeric, sacks numeric, tfl "
        "numeric, pass_def numeric, def_int numeric, ppa_avg float8, ppa_total float8"
    ),
}


def columns(listing: str) -> list[tuple[str, str]]:
    """("name", "type") pairs of one listing."""
    pairs = []
    for part in filter(None, (p.strip() for p in listing.split(", "))):
        name, type_name = part.split(" ", 1)
        pairs.append((name, type_name))
    return pairs


def upstream_columns(name: str) -> list[tuple[str, str]]:
    """Sprint 5's columns of `name`, then HEAD's additions, in that order."""
    return columns(SPRINT5.get(name, "")) + columns(HEAD_ADDITIONS.get(name, ""))
