"""The shared service catalogue: service model, seed data and bundle engine.

Everything a bundle holds is decided here, from data: the assistant, the
triage service and the consoles only ask this package.
"""
