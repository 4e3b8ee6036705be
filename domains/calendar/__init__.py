"""The calendar day view and the dashboard: what every domain has for one local day.

It knows no other domain: each one is a section behind this domain's own ports, implemented by
adapters, so a new domain joins the calendar by adding a section in the composition root."""
