"""A synthetic police force with ground truth: residents, everyday incidents, stalking and other
scenarios, linkage traps, and the true identity behind every mention.

``generate_force(out_dir, incidents, seed)`` writes the force in the import format plus its truth;
see docs/synth.md for the layout.
"""

from threadline.synth.config import (
    PROFILES,
    NoiseRates,
    ScenarioRates,
    SynthConfig,
    SynthSummary,
    ending_on,
)
from threadline.synth.force import generate_force

__all__ = [
    "PROFILES",
    "NoiseRates",
    "ScenarioRates",
    "SynthConfig",
    "SynthSummary",
    "ending_on",
    "generate_force",
]
