"""Domain-free building blocks: database base, errors, geography, time, Redis."""
