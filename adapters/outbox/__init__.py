"""The embedded profile's mail transport: .eml files in a local folder a developer can open."""
