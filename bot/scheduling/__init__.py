"""Scheduled work. APScheduler is only the timer; what is due is decided from the database."""
