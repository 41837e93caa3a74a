"""The CollegeFootballData API: client, call ledger, budget meter (with cfbops/nfl/, the
only place httpx is imported)."""
