"""The call log: recording calls, follow-ups, searches and personal data."""
