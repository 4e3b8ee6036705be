"""The shared kernel: what every domain may use (errors, time, ids, user-data contract, events)."""
