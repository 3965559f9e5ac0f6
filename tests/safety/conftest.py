"""Frozen time for the safety tests, so shifts land on known local hours."""

import pytest
import time_machine

from tests.safety.helpers import MONDAY_8AM


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(MONDAY_8AM, tick=False):
        yield
