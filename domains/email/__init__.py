"""Email: the newsletter (double opt-in, one-click unsubscribe) and transactional mail."""
