"""Triage: the assistant's recognition and bundle for one message, as one JSON
result, so an agent typing a caller's words gets what the chat would decide."""
