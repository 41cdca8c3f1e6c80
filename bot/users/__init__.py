"""Accounts, roles, sign-in sessions and API tokens for agents, service owners and admins."""
