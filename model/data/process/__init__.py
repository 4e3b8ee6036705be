"""Curation: raw documents -> clean, filtered, deduplicated train / validation / test splits.

`pipeline.process` runs the stages (normalise, exact dedup, language, quality, near-dup,
split) over a stream of documents and writes a report beside the splits. Importing this
package loads nothing heavy.
"""
