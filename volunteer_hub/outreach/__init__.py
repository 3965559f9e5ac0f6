"""Organizers reach the people on a shift, a task or a team: a short message over each person's channels, which they
acknowledge with one tap (收到); the sender sees who has it and who has not acknowledged yet."""
