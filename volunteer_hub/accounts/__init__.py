"""Accounts: registration, login sessions, API tokens and volunteer profiles."""
