"""Curated daily content shipped with the product: original text and public-domain quotes."""
