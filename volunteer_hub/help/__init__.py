"""Residents' requests for help (errands, medicine, foreign-language help...), turned into tasks."""
