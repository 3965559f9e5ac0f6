"""In-app notifications: an inbox per user, text rendered in the reader's language."""
