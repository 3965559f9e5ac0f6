"""Matching new tasks to nearby volunteers with the right skills and time, fairly and within their budgets."""
