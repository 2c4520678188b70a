"""SQLite with queued writers (Django's ``ENGINE`` for the clinic's SQLite database)."""
