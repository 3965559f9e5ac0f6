"""Statistics for organizers and reviewers: tallies kept incrementally from the hours ledger, dashboards
scoped to a subtree, exports."""
