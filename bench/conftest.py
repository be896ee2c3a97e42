"""Benchmarks: `make bench` (pytest-benchmark). They report figures; they never fail on speed."""

from tests.conftest import *  # noqa: F403 - the same fixtures as the tests
