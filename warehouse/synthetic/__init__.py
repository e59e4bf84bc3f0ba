"""Synthetic brokerage generator: realistic daily branch and head-office packages in the contract format.

    from warehouse.synthetic import PRESETS, generate
    report = generate("tiny", inbox=Path("data/inbox"), directory=Path("data"), seed=20240101)

Deterministic for a preset and seed (byte-identical output); days are produced in order.
"""

from warehouse.synthetic.generator import GenerationReport, generate
from warehouse.synthetic.presets import PRESETS, Preset

__all__ = ["PRESETS", "GenerationReport", "Preset", "generate"]
