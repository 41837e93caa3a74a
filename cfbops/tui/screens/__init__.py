"""Drill-downs and confirmations pushed over the dashboard; each is given its data."""
