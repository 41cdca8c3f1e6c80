"""The citizen's plan outside the catalogue: how views group it, the link to
come back to it, and the notification package (one page per office, .ics)."""
