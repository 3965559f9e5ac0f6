"""Frozen time for the lottery tests (moved forward inside tests with time_machine's shift)."""

import pytest
import time_machine

from tests.safety.helpers import MONDAY_8AM


@pytest.fixture
def clock():
    with time_machine.travel(MONDAY_8AM, tick=False) as traveller:
        yield traveller
