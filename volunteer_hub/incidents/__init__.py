"""Incident reports on a post: who reported what, when and who was involved; organizers acknowledge, follow up
and close them; for an injured volunteer, the insurance packet (PDF)."""
