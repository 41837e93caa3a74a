"""Schema migrations: statement model, lint rules, lock levels, plan and apply."""
