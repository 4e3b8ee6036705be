"""DynamoDB adapters for the serverless services: one table per service, with the generic key
design the platform creates (pk / sk, gsi1 on gsi1pk / gsi1sk, `expires_at` for TTL)."""
