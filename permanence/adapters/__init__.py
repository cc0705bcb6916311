"""Adapters: files, SQLite, Google Sheets, iCalendar, mail, webhooks."""
