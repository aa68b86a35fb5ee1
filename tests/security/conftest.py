"""The service-point pilot of tests/servicepoints, for the lost-update tests."""

from tests.servicepoints.conftest import area, coordinator  # noqa: F401
