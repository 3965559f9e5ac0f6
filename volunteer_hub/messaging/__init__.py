"""Senders to the world outside the app: SMS (Alibaba Cloud or Tencent Cloud), Web Push, e-mail, and the development
senders that keep what would have gone out (shown at /dev/messages). Domain-free: it knows numbers, addresses and
subscriptions, never users or notifications; notifications decides who gets what, accounts sends login codes.

A sender raises ``Retryable`` for an answer worth trying again later (throttled, 5xx, timeout) and ``Permanent``
for one that will not change (invalid number, template refused); ``Gone`` says a push subscription has ended.
"""
