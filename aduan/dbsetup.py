"""Offline commands work on a fresh data folder: bring the database schema up to date first."""

from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def ensure_migrated() -> bool:
    """Apply pending migrations quietly; True if any were applied."""
    executor = MigrationExecutor(connection)
    if not executor.migration_plan(executor.loader.graph.leaf_nodes()):
        return False
    call_command("migrate", interactive=False, verbosity=0)
    return True
