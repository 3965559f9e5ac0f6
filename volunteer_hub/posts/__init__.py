"""Running a post round the clock: the live staffing board (per task and per organisation subtree) and the relief
alarm (a shift under way with fewer check-ins than places)."""
