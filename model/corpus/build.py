"""Builds the shipped demo corpus: short English notes on habits, focus and planning.

The text is synthetic (a small seeded grammar written for this project), so it carries no
licence question and the same seed gives the same corpus byte for byte. It is big enough for a
tiny model to learn real structure on a CPU, and small enough to ship (about 400 KB).

    python -m model.corpus.build            # rewrites model/corpus/productivity.jsonl
"""

from __future__ import annotations

import json
import random
from pathlib import Path

CORPUS_FILE = Path(__file__).with_name("productivity.jsonl")

PEOPLE = [
    "Ana",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hugo",
    "Iris",
    "Jonas",
    "Kemal",
    "Lena",
    "Maya",
    "Nico",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sami",
    "Tomas",
]
HABITS = [
    "reading for twenty minutes",
    "a short walk after lunch",
    "writing in a journal",
    "drinking a glass of water",
    "stretching before work",
    "planning the next day",
    "a ten minute tidy",
    "practising the piano",
    "studying a new language",
    "going to bed before eleven",
    "meditating for five minutes",
    "cooking at home",
]
TIMES = [
    "every morning",
    "each evening",
    "after breakfast",
    "before lunch",
    "on weekdays",
    "at the end of the day",
    "right after work",
    "on Sunday afternoons",
]
TASKS = [
    "the quarterly report",
    "a client email",
    "the budget review",
    "a design draft",
    "the team meeting notes",
    "a research summary",
    "the project plan",
    "a grant proposal",
    "the weekly newsletter",
    "a code review",
]
FEELINGS = ["calm", "focused", "tired", "hopeful", "restless", "proud", "distracted", "rested"]
TOOLS = [
    "a paper notebook",
    "a simple checklist",
    "a kitchen timer",
    "a calendar block",
    "a sticky note on the desk",
    "a habit tracker",
    "a wall chart",
    "a phone reminder",
]
LESSONS = [
    "small steps repeated daily beat rare bursts of effort",
    "a missed day is not a failure as long as the next day counts",
    "the hardest part of a task is usually the first five minutes",
    "writing a plan the night before makes the morning easier",
    "breaks are part of the work and not a reward for it",
    "tracking a habit makes it visible and easier to keep",
    "saying no to one thing means saying yes to another",
    "a clear desk makes it easier to start",
]


def _sentence(rng: random.Random, person: str) -> str:
    habit, time, task = rng.choice(HABITS), rng.choice(TIMES), rng.choice(TASKS)
    feeling, tool, lesson = rng.choice(FEELINGS), rng.choice(TOOLS), rng.choice(LESSONS)
    minutes = rng.choice([15, 20, 25, 30, 45, 50, 60, 90])
    days = rng.randint(2, 40)
    templates = [
        f"{person} kept up {habit} {time} and felt {feeling} by the end of the week.",
        f"For {days} days in a row, {person} managed {habit}.",
        f"{person} worked on {task} in blocks of {minutes} minutes with {tool}.",
        f"When {person} felt {feeling}, a short break helped more than another coffee.",
        f"{person} learned that {lesson}.",
        f"The streak for {habit} reached {days} days, and {person} kept count with {tool}.",
        f"Before starting {task}, {person} listed three steps and did the first one at once.",
        f"{person} moved {task} to the morning, when the mind is {rng.choice(FEELINGS)}.",
        f"{time[0].upper()}{time[1:]}, {person} checks the plan and picks one important task.",
        f"After {minutes} minutes of focus, {person} took a five minute pause.",
    ]
    return rng.choice(templates)


def _document(rng: random.Random) -> str:
    person = rng.choice(PEOPLE)
    title = rng.choice(["Notes from", "A week with", "How it went for", "Lessons from"])
    paragraphs = []
    for _ in range(rng.randint(1, 3)):
        paragraphs.append(" ".join(_sentence(rng, person) for _ in range(rng.randint(2, 5))))
    return f"{title} {person}\n\n" + "\n\n".join(paragraphs)


def build_documents(n_documents: int = 800, seed: int = 1234) -> list[str]:
    rng = random.Random(seed)
    return [_document(rng) for _ in range(n_documents)]


def write_corpus(path: Path = CORPUS_FILE, n_documents: int = 800, seed: int = 1234) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for text in build_documents(n_documents, seed):
            f.write(json.dumps({"text": text}) + "\n")
    return path


if __name__ == "__main__":
    print(write_corpus())
