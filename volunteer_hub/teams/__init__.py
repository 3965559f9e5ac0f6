"""Volunteer teams (先锋队): membership and team claims. A team's rotas and its members' shift swaps are in rotas."""
