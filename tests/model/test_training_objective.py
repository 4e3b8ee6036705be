"""The loss scores token t + 1 from tokens up to t, and padding never counts."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from model.config import GPTNeoXConfig
from model.data.packing import labels_for
from model.gpt_neox import IGNORE_INDEX, GPTNeoXForCausalLM

CONFIG = GPTNeoXConfig(
    vocab_size=64, n_layer=2, n_embd=64, n_head=4, intermediate_size=128, block_size=32
)


def test_the_loss_scores_each_position_on_the_next_token_exactly_once() -> None:
    torch.manual_seed(0)
    model = GPTNeoXForCausalLM(CONFIG)
    input_ids = torch.randint(0, 64, (2, 12))

    logits, loss = model(input_ids, input_ids)

    by_hand = F.cross_entropy(logits[:, :-1].reshape(-1, 64), input_ids[:, 1:].reshape(-1))
    assert loss is not None
    torch.testing.assert_close(loss, by_hand)
    twice_shifted = F.cross_entropy(logits[:, :-2].reshape(-1, 64), input_ids[:, 2:].reshape(-1))
    assert not torch.isclose(loss, twice_shifted)


def test_the_loss_equals_transformers_loss_on_the_same_labels() -> None:
    transformers = pytest.importorskip("transformers")
    from model.convert import config_to_hf, to_hf_state_dict

    torch.manual_seed(0)
    model = GPTNeoXForCausalLM(CONFIG)
    theirs = transformers.GPTNeoXForCausalLM(transformers.GPTNeoXConfig(**config_to_hf(CONFIG)))
    theirs.load_state_dict(to_hf_state_dict(model.state_dict(), head_key="lm_head.weight"))
    input_ids = torch.randint(0, 64, (2, 10))
    labels = input_ids.clone()
    labels[0, 7:] = IGNORE_INDEX

    torch.testing.assert_close(model(input_ids, labels)[1], theirs(input_ids, labels=labels).loss)


def test_a_trained_model_continues_a_sequence_with_the_next_token_not_the_one_after() -> None:
    torch.manual_seed(0)
    model = GPTNeoXForCausalLM(CONFIG)
    cycle = torch.tensor([3, 17, 42, 8, 29, 55, 11])
    rows = torch.stack([cycle.roll(-s).repeat(4)[:24] for s in range(7)])  # every phase
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3)
    for _ in range(60):
        _, loss = model(rows, rows)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    prompt = torch.tensor([[3, 17, 42, 8]])
    predicted = model.eval()(prompt)[0][0, -1].argmax().item()
    assert predicted == 29  # the token after 8; a doubly shifted model would say 55


def test_padding_is_the_pad_id_and_is_left_out_of_the_loss() -> None:
    torch.manual_seed(0)
    model = GPTNeoXForCausalLM(CONFIG)
    pad_id = 1
    real = torch.randint(2, 64, (1, 9))
    padded = torch.cat([real, torch.full((1, 5), pad_id)], dim=1)
    labels = labels_for(padded, pad_id)

    assert labels[0, 9:].eq(IGNORE_INDEX).all() and labels[0, :9].eq(real[0]).all()
    _, padded_loss = model(padded, labels)
    _, unpadded_loss = model(real, real)
    torch.testing.assert_close(padded_loss, unpadded_loss)


def test_activation_checkpointing_gives_the_same_loss_and_gradients() -> None:
    torch.manual_seed(0)
    plain = GPTNeoXForCausalLM(CONFIG).train()
    checkpointed = GPTNeoXForCausalLM(CONFIG).train()
    checkpointed.load_state_dict(plain.state_dict())
    checkpointed.gradient_checkpointing = True
    input_ids = torch.randint(0, 64, (2, 16))

    losses = []
    for model in (plain, checkpointed):
        _, loss = model(input_ids, input_ids)
        loss.backward()
        losses.append(loss)

    torch.testing.assert_close(losses[0], losses[1])
    for (name, a), b in zip(plain.named_parameters(), checkpointed.parameters(), strict=True):
        torch.testing.assert_close(a.grad, b.grad, msg=name)
