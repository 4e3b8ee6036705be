"""The Pulumi program: `pulumi up` in this folder declares the selected stack."""

import pulumi
from refocused_infra.settings import load_settings
from refocused_infra.stack import build_stack

for output_name, value in build_stack(load_settings()).items():
    pulumi.export(output_name, value)
