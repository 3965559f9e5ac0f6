"""Claims: a volunteer's place (or waitlist/approval request) on a shift."""
