"""Row-level access: which units a user's grants reach, as one SQL subquery.

A grant gives a role over a unit's subtree. The subtree is walked with a recursive CTE over the
dated unit links valid today, so "records this user may see" stays one query however deep the tree.
"""

import datetime

from django.db.models import BooleanField, Expression, F
from django.utils import timezone

from .choices import ALL_ROLES
from .sql import placeholders


def today() -> datetime.date:
    return timezone.localdate()


def subtree_sql(root_sql: str, root_params: list, on: datetime.date) -> tuple[str, list]:
    """SQL selecting the ids of the given roots and every unit under them on date `on`."""
    sql = (
        "WITH RECURSIVE dimis_sub(id) AS ("
        f"{root_sql} "
        "UNION "
        "SELECT l.child_id FROM org_unitlink l JOIN dimis_sub s ON l.parent_id = s.id "
        "WHERE l.valid_from <= %s AND (l.valid_to IS NULL OR l.valid_to > %s)"
        ") SELECT id FROM dimis_sub"
    )
    return sql, [*root_params, on, on]


def granted_units_sql(user, roles=ALL_ROLES, on: datetime.date | None = None) -> tuple[str, list]:
    roles = sorted(roles)
    if not roles:  # a model nobody may write through generic views: no unit at all
        return subtree_sql("SELECT CAST(NULL AS BIGINT) WHERE 1 = 0", [], on or today())
    root = f"SELECT unit_id FROM users_grant WHERE user_id = %s AND role IN ({placeholders(roles)})"
    return subtree_sql(root, [user.pk, *roles], on or today())


class InUnitSet(Expression):
    """Boolean `column IN (<unit id subquery>)`, usable directly in .filter()."""

    conditional = True
    output_field = BooleanField()

    def __init__(self, column: str | Expression, sql: str, params: list):
        super().__init__()
        self.column = F(column) if isinstance(column, str) else column
        self.sql, self.params = sql, list(params)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        clone = self.copy()
        clone.column = self.column.resolve_expression(
            query, allow_joins, reuse, summarize, for_save
        )
        return clone

    def as_sql(self, compiler, connection):
        column_sql, column_params = compiler.compile(self.column)
        return f"{column_sql} IN ({self.sql})", [*column_params, *self.params]


def can(user, model, action: str) -> bool:
    """May the user do `action` on this model anywhere? (Which rows: restrict() decides.)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.grants.filter(role__in=sorted(model.roles_for(action))).exists()
