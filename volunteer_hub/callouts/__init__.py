"""Urgent call-outs (集结令): an organizer asks for N more people for a shift that starts soon or is under way and
short; the platform pages the best-fitting nearby volunteers in waves, each with a personal one-tap link that runs
the ordinary claim, until the places are filled."""
