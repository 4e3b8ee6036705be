from __future__ import annotations

from datetime import date, datetime

from msgspec import Struct

from domains.daily.model import DailyContent, MindFuel, Prompt, Quote, Theme, Word


class QuoteRead(Struct):
    id: str
    text: str
    author: str

    @classmethod
    def of(cls, q: Quote) -> QuoteRead:
        return cls(q.id, q.text, q.author)


class WordRead(Struct):
    id: str
    word: str
    part_of_speech: str
    meaning: str
    example: str

    @classmethod
    def of(cls, w: Word) -> WordRead:
        return cls(w.id, w.word, w.part_of_speech, w.meaning, w.example)


class PromptRead(Struct):
    id: str
    text: str
    category: str

    @classmethod
    def of(cls, p: Prompt) -> PromptRead:
        return cls(p.id, p.text, p.category)


class MindFuelRead(Struct):
    id: str
    title: str
    text: str
    category: str

    @classmethod
    def of(cls, m: MindFuel) -> MindFuelRead:
        return cls(m.id, m.title, m.text, m.category)


class ThemeRead(Struct):
    id: str
    week: str
    title: str
    description: str
    practices: list[str]

    @classmethod
    def of(cls, t: Theme, week: str) -> ThemeRead:
        return cls(t.id, week, t.title, t.description, list(t.practices))


class DailyRead(Struct):
    date: date
    expires_at: datetime
    quote: QuoteRead
    word: WordRead
    prompt: PromptRead
    mind_fuel: MindFuelRead
    theme: ThemeRead

    @classmethod
    def of(cls, c: DailyContent) -> DailyRead:
        return cls(
            date=c.date,
            expires_at=c.expires_at,
            quote=QuoteRead.of(c.quote),
            word=WordRead.of(c.word),
            prompt=PromptRead.of(c.prompt),
            mind_fuel=MindFuelRead.of(c.mind_fuel),
            theme=ThemeRead.of(c.theme, c.week),
        )
