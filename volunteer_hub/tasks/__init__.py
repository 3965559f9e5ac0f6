"""Tasks posted by organisations, each with one or more shifts that volunteers claim."""
