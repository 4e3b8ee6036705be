"""The guided techniques the product ships. Timings are the commonly taught ones; the client
animates the phases in order and repeats them for the chosen number of cycles."""

from __future__ import annotations

from domains.breathing.model import Phase, Technique


def _in(seconds: float, cue: str = "Breathe in") -> Phase:
    return Phase("inhale", seconds, cue)


def _hold(seconds: float, cue: str = "Hold") -> Phase:
    return Phase("hold", seconds, cue)


def _out(seconds: float, cue: str = "Breathe out") -> Phase:
    return Phase("exhale", seconds, cue)


TECHNIQUES: tuple[Technique, ...] = (
    Technique(
        slug="box",
        name="Box breathing",
        summary="Four equal sides: in, hold, out, hold.",
        description=(
            "Breathe in for four counts, hold for four, breathe out for four and hold empty for "
            "four. The even rhythm gives a wandering mind something simple to follow and is a "
            "steady way to settle before a demanding task."
        ),
        phases=(_in(4), _hold(4), _out(4), _hold(4, "Hold empty")),
        suggested_cycles=6,
        good_for=("focus", "stress"),
    ),
    Technique(
        slug="4-7-8",
        name="4-7-8 breathing",
        summary="In for 4, hold for 7, out slowly for 8.",
        description=(
            "Breathe in quietly through the nose for four counts, hold for seven, then breathe "
            "out through the mouth for eight. The long exhale slows the breath; many people use "
            "it to wind down before sleep. Start with a few cycles."
        ),
        phases=(_in(4), _hold(7), _out(8, "Breathe out slowly")),
        suggested_cycles=4,
        good_for=("sleep", "stress"),
    ),
    Technique(
        slug="coherent",
        name="Coherent breathing",
        summary="Smooth, even breaths at about five and a half a minute.",
        description=(
            "Breathe in and out evenly for about five and a half seconds each, with no pauses. "
            "Around five to six breaths a minute is a pace many people find calming and easy to "
            "keep for several minutes."
        ),
        phases=(_in(5.5), _out(5.5)),
        suggested_cycles=27,
        good_for=("stress", "balance"),
    ),
    Technique(
        slug="physiological-sigh",
        name="Physiological sigh",
        summary="Two inhales through the nose, one long exhale.",
        description=(
            "Take a full breath in through the nose, then a short second sip of air on top of "
            "it, and let it all go in a long, slow exhale through the mouth. A quick reset when "
            "stress spikes; one to five rounds are usually enough."
        ),
        phases=(_in(2), _in(1, "Top up with a short sip"), _out(6, "Long, slow exhale")),
        suggested_cycles=5,
        good_for=("stress",),
    ),
    Technique(
        slug="resonant",
        name="Resonant breathing",
        summary="Six seconds in, six seconds out: five breaths a minute.",
        description=(
            "A slow, even breath of six seconds in and six seconds out. At about five breaths a "
            "minute the breath and heart rhythm tend to move together; keep it soft, never "
            "forced."
        ),
        phases=(_in(6), _out(6)),
        suggested_cycles=25,
        good_for=("balance", "stress"),
    ),
    Technique(
        slug="equal",
        name="Equal breathing",
        summary="Inhale and exhale of the same length.",
        description=(
            "Match the length of the in-breath and the out-breath, starting at four counts. A "
            "gentle introduction to paced breathing that works anywhere, eyes open or closed."
        ),
        phases=(_in(4), _out(4)),
        suggested_cycles=15,
        good_for=("focus", "balance"),
    ),
    Technique(
        slug="extended-exhale",
        name="Extended exhale",
        summary="Breathe out twice as long as you breathe in.",
        description=(
            "Breathe in for four counts and out for eight. Making the exhale longer than the "
            "inhale is one of the simplest ways to slow down; shorten both if eight feels "
            "strained."
        ),
        phases=(_in(4), _out(8)),
        suggested_cycles=10,
        good_for=("stress", "sleep"),
    ),
    Technique(
        slug="triangle",
        name="Triangle breathing",
        summary="Three equal sides: in, hold, out.",
        description=(
            "Breathe in for four, hold for four, breathe out for four, then start again at once. "
            "Box breathing without the empty hold, for those who find holding on empty "
            "uncomfortable."
        ),
        phases=(_in(4), _hold(4), _out(4)),
        suggested_cycles=8,
        good_for=("focus",),
    ),
    Technique(
        slug="pursed-lip",
        name="Pursed-lip breathing",
        summary="In through the nose, out slowly through pursed lips.",
        description=(
            "Breathe in through the nose for two counts, then out through gently pursed lips, as "
            "if cooling soup, for four. The slow exhale keeps the airways open longer and helps "
            "when you feel out of breath."
        ),
        phases=(_in(2, "In through the nose"), _out(4, "Out through pursed lips")),
        suggested_cycles=12,
        good_for=("energy", "balance"),
    ),
    Technique(
        slug="belly",
        name="Belly breathing",
        summary="Slow breaths that move the belly, not the shoulders.",
        description=(
            "With a hand on your belly, breathe in so the hand rises, pause briefly, and breathe "
            "out so it falls. Breathing with the diaphragm rather than the chest is the base of "
            "every other technique here."
        ),
        phases=(_in(4, "Let the belly rise"), _hold(2, "Pause"), _out(6, "Let the belly fall")),
        suggested_cycles=10,
        good_for=("stress", "sleep"),
    ),
    Technique(
        slug="alternate-nostril",
        name="Alternate nostril breathing",
        summary="Breathe through one nostril at a time, switching sides.",
        description=(
            "Close the right nostril and breathe in through the left; close both and hold; "
            "breathe out through the right. Next cycle, start on the right. A traditional yoga "
            "practice (nadi shodhana) for a calm, alert state."
        ),
        phases=(
            _in(4, "In through one nostril"),
            _hold(4),
            _out(4, "Out through the other nostril"),
        ),
        suggested_cycles=10,
        good_for=("focus", "balance"),
    ),
    Technique(
        slug="7-11",
        name="7-11 breathing",
        summary="In for 7, out for 11.",
        description=(
            "Breathe in for seven counts and out for eleven. A long, calming exhale often taught "
            "for moments of anxiety; if the counts feel long, keep the ratio and count faster."
        ),
        phases=(_in(7), _out(11)),
        suggested_cycles=6,
        good_for=("stress", "sleep"),
    ),
)

_BY_SLUG = {t.slug: t for t in TECHNIQUES}


def technique(slug: str) -> Technique | None:
    return _BY_SLUG.get(slug)
