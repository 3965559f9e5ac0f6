"""Shift series (a daily pattern over a date range), team rotas that fill them, and swaps between members."""
