"""The visits app's data migrations keep every existing visit and outcome valid."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("visits", "0003_typo_report_history")]
AFTER = [("visits", "0004_outcome_kind_visit_period_visit_time_zone")]


@pytest.fixture(autouse=True)
def latest_schema_afterwards():
    """Whatever happens in a test, the database ends at the latest migrations, as every other test expects."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_an_outcome_that_already_has_its_follow_up_visit_is_marked_as_promising_it(settings):
    old = migrate(BEFORE)
    Visit, Outcome = old.get_model("visits", "Visit"), old.get_model("visits", "Outcome")
    source = Visit.objects.create(
        direction="outgoing", title="Official visit", country="CN", starts_on="2025-10-29", ends_on="2025-11-02"
    )
    planned = Visit.objects.create(
        direction="incoming", title="Return visit", country="KZ", precision="year", starts_on="2026-01-01"
    )
    promised = Outcome.objects.create(visit=source, description="They come in 2026", follow_up_visit=planned)
    action = Outcome.objects.create(visit=source, description="Launch student mobility")

    new = migrate(AFTER)

    Visit, Outcome = new.get_model("visits", "Visit"), new.get_model("visits", "Outcome")
    promised, action = Outcome.objects.get(pk=promised.pk), Outcome.objects.get(pk=action.pk)
    assert (promised.kind, promised.visit_year, promised.visit_month) == ("incoming_visit", 2026, None)
    assert (action.kind, action.visit_year) == ("action", None)
    assert set(Visit.objects.values_list("time_zone", flat=True)) == {settings.TIME_ZONE}
    assert Visit.objects.get(pk=planned.pk).starts_on == datetime.date(2026, 1, 1)
