"""The audit log: who confirmed, corrected or marked what, and when."""
