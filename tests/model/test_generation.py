"""Generation: the KV cache changes nothing but speed, padding changes nothing at all, sampling
options and stop tokens do what they say."""

from __future__ import annotations

import pytest
import torch

from model.config import GPTNeoXConfig
from model.generate import Generator, Sampling, sample
from model.gpt_neox import GPTNeoXForCausalLM

PAD = 1
PROMPTS = [[5, 6, 7, 8, 9, 10, 11], [12, 13], [14, 15, 16, 17]]


@pytest.fixture(scope="module")
def model() -> GPTNeoXForCausalLM:
    config = GPTNeoXConfig(
        vocab_size=256,
        n_layer=2,
        n_embd=64,
        n_head=4,
        intermediate_size=256,
        block_size=96,
        rotary_pct=0.5,
    )
    torch.manual_seed(0)
    model = GPTNeoXForCausalLM(config)
    with torch.no_grad():  # peaked logits, so greedy choices are far from ties
        for p in model.parameters():
            if p.dim() == 2:
                p.normal_(0.0, 0.3)
    return model.eval()


def logits_per_step(generator: Generator, prompts, steps: int, **options) -> list[torch.Tensor]:
    """Greedy run, recording the logits each step saw."""
    seen: list[torch.Tensor] = []
    original = generator._logits_filter

    def record(logits: torch.Tensor) -> torch.Tensor:
        seen.append(logits.clone())
        return original(logits)

    generator._logits_filter = record
    generator.generate(prompts, max_new_tokens=steps, **options)
    generator._logits_filter = original
    return seen


def test_cached_generation_equals_recomputing_the_whole_sequence(model) -> None:
    generator = Generator(model, pad_id=PAD)

    cached = logits_per_step(generator, PROMPTS, 24)
    uncached = logits_per_step(generator, PROMPTS, 24, use_cache=False)

    assert len(cached) == len(uncached) == 24
    for a, b in zip(cached, uncached, strict=True):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-4)
    assert generator.generate(PROMPTS, max_new_tokens=24) == generator.generate(
        PROMPTS, max_new_tokens=24, use_cache=False
    )


def test_a_left_padded_batch_generates_what_each_prompt_generates_alone(model) -> None:
    generator = Generator(model, pad_id=PAD)

    batch = generator.generate(PROMPTS, max_new_tokens=30)
    alone = [generator.generate([p], max_new_tokens=30)[0] for p in PROMPTS]
    batch_logits = logits_per_step(generator, PROMPTS, 30)
    for i, prompt in enumerate(PROMPTS):
        single_logits = logits_per_step(generator, [prompt], 30)
        for a, b in zip(batch_logits, single_logits, strict=True):
            torch.testing.assert_close(a[i], b[0], rtol=1e-4, atol=1e-4)

    assert batch == alone
    assert all(len(tokens) == 30 for tokens in batch)


def test_generation_stops_at_a_stop_token_without_emitting_it(model) -> None:
    generator = Generator(model, pad_id=PAD)
    free = generator.generate(PROMPTS, max_new_tokens=20)
    stop = free[0][5]

    stopped = generator.generate(PROMPTS, max_new_tokens=20, stop_ids=[stop])

    for full, cut in zip(free, stopped, strict=True):
        expected = full[: full.index(stop)] if stop in full else full
        assert cut == expected


def test_the_stream_yields_the_same_tokens_one_step_at_a_time(model) -> None:
    generator = Generator(model, pad_id=PAD)
    options = {"max_new_tokens": 12, "sampling": Sampling(temperature=0.9, top_k=20), "seed": 7}

    streamed = [step[0] for step in generator.stream([PROMPTS[0]], **options)]

    assert streamed == generator.generate([PROMPTS[0]], **options)[0]
    assert len(streamed) == 12


def test_seeded_sampling_is_reproducible_and_varies_with_the_seed(model) -> None:
    generator = Generator(model, pad_id=PAD)
    sampling = Sampling(temperature=1.5)

    first = generator.generate(PROMPTS, max_new_tokens=16, sampling=sampling, seed=1)
    again = generator.generate(PROMPTS, max_new_tokens=16, sampling=sampling, seed=1)
    other = generator.generate(PROMPTS, max_new_tokens=16, sampling=sampling, seed=2)

    assert first == again and first != other


def test_top_k_and_top_p_only_draw_from_the_allowed_tokens() -> None:
    logits = torch.log(torch.tensor([[0.5, 0.3, 0.15, 0.05]])).repeat(2000, 1)
    g = torch.Generator().manual_seed(0)

    top_k = sample(logits, Sampling(temperature=1.0, top_k=2), g)
    top_p = sample(logits, Sampling(temperature=1.0, top_p=0.7), g)
    plain = sample(logits, Sampling(temperature=1.0), g)

    assert set(top_k.tolist()) == {0, 1}
    assert set(top_p.tolist()) == {0, 1}  # 0.5 < 0.7, 0.5 + 0.3 reaches it: two tokens
    assert set(plain.tolist()) == {0, 1, 2, 3}
    assert sample(logits[:1], Sampling(temperature=1.0, top_k=1), g).item() == 0


def test_tokens_beyond_the_tokenizer_vocabulary_are_never_generated(model) -> None:
    generator = Generator(model, pad_id=PAD, vocab_limit=40)
    out = generator.generate(PROMPTS, max_new_tokens=20, sampling=Sampling(temperature=2.0), seed=0)
    assert all(t < 40 for row in out for t in row)


def test_a_prompt_that_fills_the_context_is_refused(model) -> None:
    generator = Generator(model, pad_id=PAD)
    with pytest.raises(ValueError, match="no room"):
        generator.generate([[3] * 96], max_new_tokens=4)


@pytest.mark.slow
def test_the_compiled_decode_step_generates_what_the_eager_one_does(model) -> None:
    eager = Generator(model, pad_id=PAD).generate(PROMPTS, max_new_tokens=12)
    compiled = Generator(model, pad_id=PAD, compile=True)

    assert compiled.generate(PROMPTS, max_new_tokens=12) == eager
    assert compiled.generate(PROMPTS[:1], max_new_tokens=12) == eager[:1]


def test_after_generating_the_model_still_scores_whole_sequences_without_its_cache(model) -> None:
    input_ids = torch.tensor([PROMPTS[0]])
    with torch.no_grad():
        before, _ = model(input_ids)
        Generator(model, pad_id=PAD).generate(PROMPTS, max_new_tokens=3)
        after, _ = model(input_ids)
    torch.testing.assert_close(before, after)
