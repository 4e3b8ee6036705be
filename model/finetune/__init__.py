"""Fine-tuning a trained checkpoint on chats, code and instructions: fully or with LoRA
adapters, with the loss on the assistant's replies only (see docs/model-finetuning.md).

data.py reads and encodes the examples, lora.py holds the adapters, trainer.py the loop and
cli.py the `refocused model finetune` command. Nothing is imported here, so that the command's
--help does not wait for torch.
"""
