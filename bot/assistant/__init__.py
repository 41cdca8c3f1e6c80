"""Conversation logic for the Rasa actions, kept free of Rasa so it is tested
directly: answer parsing, conversation state, bundle summaries, referrals."""
