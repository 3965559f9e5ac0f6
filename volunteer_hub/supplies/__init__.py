"""A post's supplies (masks, gloves, thermometers...): counts set at handover or by the organizer, issues to
volunteers recorded, and a low-stock threshold that tells the organizers once per crossing."""
