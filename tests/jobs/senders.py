"""An SMS sender used by the job tests in place of a provider: throttled on its first call, then accepts."""

from typing import ClassVar

from volunteer_hub.messaging.errors import Retryable


class FlakySms:
    name = "flaky"
    calls = 0
    sent: ClassVar[list] = []

    def send(self, phone: str, template: str, params: dict, *, text: str, out_id: str) -> str:
        FlakySms.calls += 1
        if FlakySms.calls == 1:
            raise Retryable("slow down", code="isv.BUSINESS_LIMIT_CONTROL")
        FlakySms.sent.append(out_id)
        return f"flaky-{FlakySms.calls}"
