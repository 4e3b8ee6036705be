"""A small curated-corpus fixture: English notes from the shipped corpus in two sources, with
planted exact duplicates, lightly edited copies, foreign-language texts, junk and blanks."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from model.corpus.build import CORPUS_FILE
from model.data.process.quality import assess

FOREIGN = [
    "Der Wecker klingelt um sechs Uhr, und Anna steht sofort auf. Sie trinkt ein Glas Wasser, "
    "macht zehn Minuten Gymnastik und schreibt dann in ihr Tagebuch, welche drei Aufgaben "
    "heute wirklich wichtig sind. Am Abend prüft sie, was sie geschafft hat, und plant den "
    "nächsten Tag, bevor sie das Licht ausmacht.",
    "Chaque matin, Louis prépare un café et relit la liste de ses tâches. Il commence toujours "
    "par la plus difficile, pendant que son esprit est encore frais. Après le déjeuner, il fait "
    "une courte promenade dans le parc, puis il reprend le travail avec une nouvelle énergie "
    "jusqu'à la fin de la journée.",
    "Todos los domingos, Lucía organiza la semana en un cuaderno pequeño. Escribe las citas "
    "importantes, los días de gimnasio y las comidas que quiere cocinar. Dice que este hábito "
    "sencillo le quita mucho estrés, porque ya no tiene que decidir cada mañana qué hacer "
    "primero ni dónde empezar.",
    "Ogni sera Marco spegne il telefono alle dieci e legge un libro per mezz'ora. Da quando ha "
    "preso questa abitudine dorme meglio, si sveglia più riposato e la mattina riesce a "
    "concentrarsi sul lavoro senza distrazioni. Anche sua sorella ha deciso di provare lo "
    "stesso metodo durante le vacanze.",
]
# English (so that the language stage lets them through) but breaking Gopher's rules.
JUNK = [
    " ".join(
        f"#deal{i} grab the best offers of the week with #sale and #discount" for i in range(6)
    ),
    "\n".join(
        f"- {verb} the list of tasks for the day and tick them off"
        for verb in "read check write update review clear sort plan print share".split()
    ),
    "\n".join(f"and then the {thing} was gone..." for thing in "cat dog car book lamp key".split()),
    "Order 1042 ships on 12 03 2026 with items 55 81 93 and 17 from the warehouse at 400 12 "
    "and 88 while 2031 15 07 and 64 wait for the 19 trucks at 6 45 and 7 30 with 12 boxes",
    "\n".join(["Subscribe to our newsletter for more tips on habits and focus."] * 25),
]
SOURCES = {"blog": 180, "forum": 50}
EXACT_DUPLICATES, NEAR_DUPLICATES = 10, 15


def english_notes() -> list[str]:
    """Shipped notes that pass every quality rule and are long enough for a one-word edit to
    leave them near-duplicates (Jaccard of 5-grams about 0.9)."""
    texts = [json.loads(line)["text"] for line in CORPUS_FILE.read_text().splitlines()]
    return [t for t in texts if len(t.split()) >= 80 and assess(t).score == 1.0]


def edit_one_word(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    i = rng.randrange(len(words) // 3, 2 * len(words) // 3)
    words[i] = "remarkably"
    return " ".join(words)


def provenance(source: str, i: int) -> dict[str, Any]:
    doc = {
        "source": source,
        "id": f"{source}-{i}",
        "url": f"https://{source}.example/{i}",
        "licence": "CC-BY-4.0",
        "fetched_at": "2026-11-20T10:00:00Z",
    }
    if i % 3:  # not every collected document has a title
        doc["title"] = f"Post {i}"
    return doc


def planted_corpus(seed: int = 0) -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    """(documents, planted) where planted names the ids of each kind of planted document."""
    rng = random.Random(seed)
    notes = english_notes()
    assert len(notes) >= sum(SOURCES.values()), "the shipped corpus shrank"
    rng.shuffle(notes)
    docs: list[dict[str, Any]] = []
    planted: dict[str, list[str]] = {"exact": [], "exact_of": [], "near": [], "near_of": []}
    for source, count in SOURCES.items():
        for _ in range(count):
            docs.append({"text": notes.pop(), **provenance(source, len(docs))})
    originals = rng.sample(docs, EXACT_DUPLICATES + NEAR_DUPLICATES)
    for k, original in enumerate(originals):
        source = rng.choice(list(SOURCES))
        if k < EXACT_DUPLICATES:  # the same text once normalised
            text = "  " + original["text"].replace(" ", " \t ", 3).replace("\n", "\r\n") + "\n\n"
            kind = "exact"
        else:
            text, kind = edit_one_word(original["text"], rng), "near"
        planted[f"{kind}_of"].append(original["id"])
        docs.append({"text": text, **provenance(source, len(docs))})
        planted[kind].append(docs[-1]["id"])
    for kind, texts in (("foreign", FOREIGN), ("junk", JUNK), ("empty", ["", " \n\t "])):
        for text in texts:
            docs.append({"text": text, **provenance("forum", len(docs))})
            planted.setdefault(kind, []).append(docs[-1]["id"])
    # The stream's order decides which of two exact duplicates comes first and stays.
    rng.shuffle(docs)
    return docs, planted


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.fixture(scope="session")
def corpus() -> tuple[list[dict[str, Any]], dict[str, list[str]]]:
    return planted_corpus()


@pytest.fixture(scope="session")
def raw_file(tmp_path_factory: pytest.TempPathFactory, corpus) -> Path:
    path = tmp_path_factory.mktemp("raw") / "collected.jsonl"
    path.write_text("".join(json.dumps(d) + "\n" for d in corpus[0]), encoding="utf-8")
    return path
