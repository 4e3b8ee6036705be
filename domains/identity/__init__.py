"""Identity: accounts, credentials, sessions and tokens."""
