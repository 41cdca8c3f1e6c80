"""Citizen conversations: the router every citizen message goes through
(redact, record, forward to the bot or deliver to the agent who owns it)."""
