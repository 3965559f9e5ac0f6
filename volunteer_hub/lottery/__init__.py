"""Lottery mode for oversubscribed shifts: sign up during a window, then a reproducible random draw.

A package of its own although it has no table: it holds its own policy (rules.py: when a lottery may open, the
seeded draw order that anyone can recompute), a use case per step (services.py), its pages, API, form, template
and a recurring job. Folded into ``claims`` it would add a second set of pages, routes and a job to the busiest
package; ``tasks`` cannot take it, because the draw places entries through ``claims``, which builds on ``tasks``.

Its state stays on the rows it governs, by design:
- ``Shift.lottery_*`` (window, Party-first, seed, drawn at): an entry and the draw serialize on the shift row (an
  entering claim touches it in its transaction, see claims.services; the draw takes it with one conditional
  UPDATE), and the claim path reads the window from the shift it has already loaded, with no extra query;
- ``Claim.lottery_rank`` and ``ClaimStatus.LOTTERY``: the claim's status, and the waitlist orders by the rank;
- the record of each draw (seed, entrants, order, who was skipped and why) is the audit event ``lottery.drawn``,
  which queries.get_draw reads back and verifies.
"""
