"""On-site attendance: check-in and check-out by GPS or a shift's QR code, organizers' marks, no-shows."""
