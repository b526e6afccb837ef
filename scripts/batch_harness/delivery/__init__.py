"""Schedules fired the way AWS fires them: read back, authorised, and their targets called."""
