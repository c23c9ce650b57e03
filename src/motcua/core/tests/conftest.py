"""The router tests use the dossier tests' one-stop world (a commune, its officials, a procedure)."""

from motcua.dossiers.tests.conftest import World, world  # noqa: F401  (fixture)
