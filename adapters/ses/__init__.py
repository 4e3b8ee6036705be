"""Amazon SES (API v2): the production mail transport."""
