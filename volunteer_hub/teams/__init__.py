"""Volunteer teams (先锋队): membership, team claims, rotas for round-the-clock posts, shift swaps."""
