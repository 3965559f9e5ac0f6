"""Notification senders used by the job tests in place of a real SMS gateway (a true external boundary)."""

import os
import time
from pathlib import Path
from typing import ClassVar


class SlowOnceSender:
    """The first attempt hangs (the test kills the worker meanwhile); later attempts are written to a file."""

    channel = "sms"

    def send(self, user, text: str, *, notification_id: int) -> None:
        folder = Path(os.environ["VH_TEST_DIR"])
        started = folder / "first-attempt-started"
        if not started.exists():
            started.write_text("1")
            time.sleep(120)
        with (folder / "delivered.txt").open("a") as fh:
            fh.write(f"{notification_id}\n")


class FlakySender:
    """Fails on its first call in the process, then succeeds."""

    channel = "sms"
    calls = 0
    sent: ClassVar[list] = []

    def send(self, user, text: str, *, notification_id: int) -> None:
        FlakySender.calls += 1
        if FlakySender.calls == 1:
            raise ConnectionError("SMS gateway timed out")
        FlakySender.sent.append(notification_id)
