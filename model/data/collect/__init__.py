"""Collection: text from Wikipedia, Reddit or local files into JSONL with provenance, one
document per line, resumable. `core` holds the `Source` port and the loop; each source is a
module of its own; `client` is the polite HTTP client they share."""

from model.data.collect.core import CollectError, Cursor, Document, Page, Progress, Source, collect

__all__ = ["CollectError", "Cursor", "Document", "Page", "Progress", "Source", "collect"]
