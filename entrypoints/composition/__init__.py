"""The composition root: the only place that builds adapters and wires them to the domains."""
