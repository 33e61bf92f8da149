"""The storage tests' real-keyring fixture, for the screens that save secrets."""

from tests.storage.conftest import real_keyring  # noqa: F401  (a fixture, used by name)
