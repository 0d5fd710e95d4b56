"""Upgrades do not lock public pages for long: a migration that indexes, validates or rewrites a table that
already exists, or runs Python or SQL over it, is named in docs/deploy.md ("Upgrades"), where its cost is told.

Instant changes pass without a word: new tables, new columns without an index (nullable or with a default: no
rewrite on PostgreSQL), labels, help texts, choices and constraint messages. `make bench` times each app's latest
migration on the full benchmark data. The migrations are read, not run, so the check costs no database.
"""

from django.db.migrations import operations
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.state import ProjectState

from tests.helpers import BASE_DIR

PORTAL_APPS = {"config", "accounts", "notifications", "partnerships", "visits", "mobility", "api", "ewp"}
INDEXING = (
    operations.AddIndex,
    operations.AddConstraint,
    operations.AlterUniqueTogether,
    operations.AlterIndexTogether,
    operations.RunPython,
    operations.RunSQL,
)


def _bound(field, name):
    field = field.clone()
    field.set_attributes_from_name(name)
    return field


def _changes_the_database(old, new) -> bool:
    """Whether an AlterField changes the column (type, nullability, index, key): Django's schema editor ignores
    the same attributes (labels, help texts, choices, validators, defaults kept in Python)."""
    described = []
    for field in (old, new):
        _name, path, args, kwargs = field.deconstruct()
        for attribute in {*field.non_db_attrs, *PYTHON_ONLY}:
            kwargs.pop(attribute, None)
        described.append((field.column, path, args, kwargs))
    return described[0] != described[1]


def _indexed(field) -> bool:
    """A new column with an index or a foreign key (which PostgreSQL checks over every row); a many-to-many field
    is a new table of its own."""
    return not field.many_to_many and bool(field.db_index or field.unique or field.is_relation)


# Where a file is stored and named is Python's business: the column stays the same.
PYTHON_ONLY = {"storage", "upload_to"}


def slow_migrations() -> dict[str, list[str]]:
    """{app.migration: what is slow} for every portal migration with a slow operation on a table older than it."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    plan = []
    for leaf in loader.graph.leaf_nodes():
        plan += [key for key in loader.graph.forwards_plan(leaf) if key not in plan]
    state = ProjectState(real_apps=loader.unmigrated_apps)
    found = {}
    for key in plan:
        migration = loader.graph.nodes[key]
        created = {op.name_lower for op in migration.operations if isinstance(op, operations.CreateModel)}
        reasons = []
        for operation in migration.operations:
            model = getattr(operation, "model_name_lower", None) or getattr(operation, "name_lower", None)
            if model in created:
                pass
            elif isinstance(operation, INDEXING):
                reasons.append(type(operation).__name__)
            elif isinstance(operation, operations.AddField) and _indexed(operation.field):
                reasons.append(f"AddField {operation.name} with an index")
            elif isinstance(operation, operations.AlterField):
                old = state.models[migration.app_label, operation.model_name_lower].fields[operation.name]
                if _changes_the_database(_bound(old, operation.name), _bound(operation.field, operation.name)):
                    reasons.append(f"AlterField {operation.name}")
            operation.state_forwards(migration.app_label, state)
        if reasons and migration.app_label in PORTAL_APPS:
            found[f"{migration.app_label}.{migration.name}"] = reasons
    return found


def test_every_slow_migration_is_named_in_the_deploy_document():
    document = (BASE_DIR / "docs" / "deploy.md").read_text(encoding="utf-8")

    slow = slow_migrations()

    assert "partnerships.0003_partner_search_index" in slow  # the check sees a slow one
    undocumented = {name: why for name, why in slow.items() if f"`{name}`" not in document}
    assert not undocumented, undocumented
