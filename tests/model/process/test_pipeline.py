"""The whole curation run over a planted corpus: what goes, what stays, where it lands, and a
report whose numbers add up."""

from __future__ import annotations

import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest

from model.data.process.near_dup import shingles
from model.data.process.pipeline import ProcessConfig, process
from model.data.process.splits import SPLIT_NAMES
from tests.model.process.conftest import SOURCES, read_jsonl


def outputs(out: Path) -> dict[str, list[dict[str, Any]]]:
    return {name: read_jsonl(out / f"{name}.jsonl") for name in SPLIT_NAMES}


def jaccard(a: str, b: str) -> float:
    x, y = shingles(a, 5), shingles(b, 5)
    return len(x & y) / len(x | y)


def cross_split_pairs(split_docs: dict[str, list[dict[str, Any]]]):
    for first, second in itertools.combinations(SPLIT_NAMES, 2):
        yield from itertools.product(split_docs[first], split_docs[second])


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, corpus):
    out = tmp_path_factory.mktemp("curated")
    report = process(iter(corpus[0]), out, ProcessConfig(splits=(0.8, 0.1, 0.1)))
    return out, report, outputs(out)


def test_every_planted_defect_is_dropped_for_its_reason(run, corpus) -> None:
    _, report, split_docs = run
    planted = corpus[1]
    kept_ids = {d["id"] for docs in split_docs.values() for d in docs}
    assert report["dropped"] == {
        "empty": 2,
        "exact_duplicate": 10,
        "language": 4,
        "low_quality": 5,
        "near_duplicate": 15,
    }
    for kind in ("foreign", "junk", "empty"):
        assert not kept_ids & set(planted[kind]), kind
    # One of each original / copy pair survives: the first exact duplicate in the stream, and
    # the better-scoring of two near-duplicates.
    for kind in ("exact", "near"):
        for copy, original in zip(planted[kind], planted[f"{kind}_of"], strict=True):
            assert len({copy, original} & kept_ids) == 1, (kind, copy, original)
    assert {"de", "fr", "es", "it"} <= set(report["languages"])
    assert set(report["failed_rules"]) >= {"symbol_ratio", "bullet_lines", "alphabetic_words"}


def test_report_numbers_add_up(run) -> None:
    out, report, split_docs = run
    written = sum(map(len, split_docs.values()))
    assert report["documents_in"] == sum(SOURCES.values()) + 10 + 15 + 4 + 5 + 2
    assert report["documents_out"] == written
    assert report["documents_in"] == report["documents_out"] + sum(report["dropped"].values())
    assert written == sum(s["documents"] for s in report["splits"].values())
    stages = report["stages"]
    for stage in stages:
        assert stage["documents_in"] == stage["documents_out"] + sum(stage["dropped"].values())
        assert stage["documents_per_second"] > 0
    for before, after in itertools.pairwise(stages):
        assert after["documents_in"] == before["documents_out"], after["name"]
    assert report["documents_per_second"] > 0
    assert json.loads((out / "report.json").read_text()) == report
    markdown = (out / "report.md").read_text()
    assert "| near_duplicate | 15 |" in markdown and "documents/s" in markdown
    assert sum(report["quality_histogram"]["counts"]) == report["stages"][4]["documents_in"]


def test_quality_histogram_is_a_png(run) -> None:
    from matplotlib import image

    png = run[0] / "quality_hist.png"
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    height, width, _ = image.imread(png).shape
    assert width > 300 and height > 200


def test_every_source_is_split_in_the_given_proportions(run) -> None:
    _, report, split_docs = run
    for source in SOURCES:
        counts = {n: sum(d["source"] == source for d in split_docs[n]) for n in SPLIT_NAMES}
        total = sum(counts.values())
        for name, fraction in zip(SPLIT_NAMES, (0.8, 0.1, 0.1), strict=True):
            assert abs(counts[name] - fraction * total) <= 1, (source, counts)
            assert report["splits"][name]["sources"][source] == counts[name]


def test_no_near_duplicates_cross_a_split(run) -> None:
    split_docs = run[2]
    assert max(jaccard(a["text"], b["text"]) for a, b in cross_split_pairs(split_docs)) < 0.8


def test_documents_keep_their_fields_and_gain_language_and_quality(run, corpus) -> None:
    by_id = {d["id"]: d for d in corpus[0]}
    for doc in run[2]["train"]:
        raw = by_id[doc["id"]]
        for name in ("source", "url", "licence", "fetched_at", "title"):
            assert doc.get(name) == raw.get(name)
        assert doc["text"] == re.sub(r"[ \t]+", " ", raw["text"].replace("\r\n", "\n")).strip()
        assert "\t" not in doc["text"] and "  " not in doc["text"]
        assert doc["lang"] == "en" and 0.5 <= doc["lang_score"] <= 1
        assert 0.5 <= doc["quality"] <= 1 and isinstance(doc["quality_failed"], str)


def test_clusters_kept_whole_stay_in_one_split(tmp_path: Path, corpus) -> None:
    docs, planted = corpus
    config = ProcessConfig(splits=(0.5, 0.25, 0.25), keep_near_duplicates=True, seed=3)
    report = process(docs, tmp_path, config)
    split_docs = outputs(tmp_path)
    assert report["dropped"]["near_duplicate"] == 0
    split_of = {d["id"]: name for name, docs in split_docs.items() for d in docs}
    for copy, original in zip(planted["near"], planted["near_of"], strict=True):
        assert split_of[copy] == split_of[original]
    assert len({split_of[c] for c in planted["near"]}) == 3  # the clusters are spread out
    assert max(jaccard(a["text"], b["text"]) for a, b in cross_split_pairs(split_docs)) < 0.8


def test_the_same_seed_gives_the_same_splits_and_another_seed_others(tmp_path: Path, corpus):
    docs = corpus[0][:120]
    runs = {}
    for name, seed in (("a", 7), ("b", 7), ("c", 8)):
        process(docs, tmp_path / name, ProcessConfig(seed=seed, splits=(0.5, 0.25, 0.25)))
        runs[name] = {s: (tmp_path / name / f"{s}.jsonl").read_text() for s in SPLIT_NAMES}
    assert runs["a"] == runs["b"]
    assert runs["a"]["test"] != runs["c"]["test"]


def test_worker_processes_give_the_same_result(tmp_path: Path, corpus) -> None:
    docs = corpus[0][:150]
    alone = process(docs, tmp_path / "alone", ProcessConfig(seed=2))
    shared = process(docs, tmp_path / "shared", ProcessConfig(seed=2), workers=2)
    for name in SPLIT_NAMES:
        assert (tmp_path / "alone" / f"{name}.jsonl").read_text() == (
            tmp_path / "shared" / f"{name}.jsonl"
        ).read_text()
    for key in ("documents_out", "dropped", "failed_rules", "languages", "splits"):
        assert alone[key] == shared[key], key


def test_input_is_consumed_one_document_at_a_time(tmp_path: Path, corpus) -> None:
    done = [0]
    pulled = []

    def documents():
        for n, doc in enumerate(corpus[0][:60]):
            pulled.append(n)
            assert done[0] == n, "the pipeline read ahead instead of streaming"
            yield doc

    report = process(documents(), tmp_path, on_document=lambda n: done.__setitem__(0, n))
    assert len(pulled) == report["documents_in"] == 60


def test_a_streaming_iterable_dataset_is_accepted(tmp_path: Path, corpus) -> None:
    from datasets import IterableDataset

    docs = corpus[0][:40]
    dataset = IterableDataset.from_generator(lambda: iter(docs))
    report = process(dataset, tmp_path)
    assert report["documents_in"] == 40
    assert report["documents_out"] == sum(map(len, outputs(tmp_path).values())) > 0


def test_every_language_can_be_kept(tmp_path: Path, corpus) -> None:
    foreign = [d for d in corpus[0] if d["id"] in corpus[1]["foreign"]]
    report = process(foreign, tmp_path, ProcessConfig(languages=(), min_quality=0))
    assert report["dropped"]["language"] == 0 and report["documents_out"] == 4
    kept = process(foreign, tmp_path / "de", ProcessConfig(languages=("de",), min_quality=0))
    assert kept["documents_out"] == 1


def test_settings_out_of_range_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown language"):
        ProcessConfig(languages=("english",))
    with pytest.raises(ValueError, match="min_quality"):
        ProcessConfig(min_quality=1.5)
    with pytest.raises(ValueError, match="sum to 1"):
        ProcessConfig(splits=(0.9, 0.2, 0.1))
