"""First-TD and anytime-TD scorer prices from Kalshi and Polymarket (`sync markets`)."""
