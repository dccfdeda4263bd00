"""Fixtures the API's tests share with the pages' tests."""

from tests.test_faults import fault_app  # noqa: F401  (the app with a short busy timeout)
