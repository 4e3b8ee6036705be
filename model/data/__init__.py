"""Training data: collection (`collect`), curation (`process`) and packing into token rows
(`packing`). Importing this package loads nothing heavy; each stage imports what it needs."""
