"""Lottery mode for oversubscribed shifts: sign up during a window, then a reproducible random draw."""
