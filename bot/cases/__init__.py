"""Cases: what a Tier-1 agent picks up when the assistant hands a person over,
or when an agent saves a phone call. The database is the source of truth for
who owns a conversation; no case lives only in memory."""
