"""Invitations (to a Party branch, to a role) are throttled per organizer, shared by the page and the API
(Flask-Limiter on the shared Redis): a number is invited only by typing it, and only sent invitations count."""

from volunteer_hub.accounts.throttle import per_user_limits


def invite_limits(setting: str):
    """Throttle views that send one kind of invitation, per organizer, at the rate named by config[setting]; the
    views given the same setting share one count. The page answers a sent invitation with a redirect, the API with
    202; refusals and typos cost nothing."""
    return per_user_limits(setting, counted=(202, 303))
