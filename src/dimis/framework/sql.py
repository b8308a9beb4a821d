"""Small helpers for the raw SQL of set-based paths."""


def placeholders(values) -> str:
    """`%s, %s, …` for the values of an `IN (…)`; `NULL` for none, which matches nothing."""
    return ", ".join(["%s"] * len(values)) or "NULL"
