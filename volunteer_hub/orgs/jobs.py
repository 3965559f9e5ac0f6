"""RQ entry points for organisations."""

from volunteer_hub.orgs import services
from volunteer_hub.schedule import recurring


@recurring(seconds=86_400)
def purge_expired_invitations() -> None:
    """Recurring: forget invitations (to Party branches, to roles) past their expiry, with the numbers they name."""
    services.purge_expired_invitations()
