"""The handover log of a post: at the end of a shift, notes, supply counts and incidents for the next shift,
which acknowledges them. Append-only: a correction is a new entry."""
