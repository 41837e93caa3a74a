-- What the API says is left this month, with the ledger's count when it said it.
UPDATE ops.cfbd_months
SET monthly_limit = coalesce(%(limit)s, monthly_limit),
    api_used = greatest(coalesce(%(limit)s, monthly_limit) - %(remaining)s, 0),
    api_ledger_used = %(ledger_used)s,
    api_checked_at = now(),
    api_source = %(source)s
WHERE month = %(month)s
