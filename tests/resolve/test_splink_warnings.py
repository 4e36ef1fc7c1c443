"""Splink's training warnings: kept in the model and said in one line, not printed block by block
(issue 24: "Splink's training warnings are summarised in one line")."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from threadline.resolve.linkage import splink_warnings_in_a_line, train_model


def test_the_levels_an_em_pass_never_saw_are_said_once_per_comparison() -> None:
    unseen = "Level {} on comparison {} not observed in dataset, unable to train m value"
    warnings = [
        unseen.format("sounds alike", "forename"),
        unseen.format("differs", "dob"),
        unseen.format("sounds alike", "forename"),
        "Something else Splink said",
    ]
    line = splink_warnings_in_a_line(warnings)
    assert line is not None and "\n" not in line
    assert line.startswith("Splink: 2 comparison levels were not seen in every EM pass")
    assert "(forename: sounds alike; dob: differs)" in line
    assert line.endswith("; Something else Splink said.")
    assert splink_warnings_in_a_line([]) is None


def test_training_keeps_splinks_warnings_and_prints_none_of_them(
    features: pd.DataFrame, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # On this population each EM pass's blocks miss some comparison levels, and Splink warns.
    with caplog.at_level(logging.WARNING):
        model = train_model(features, trained_at="2026-01-01", seed=3, max_pairs=2e4)
    warned = model.metadata["splink_warnings"]
    assert len(warned) >= 5
    assert all("not observed in dataset" in w for w in warned)
    out, err = capfd.readouterr()
    assert "not observed in dataset" not in out + err
    assert not [r for r in caplog.records if r.name.startswith("splink")]
    assert logging.getLogger("splink").propagate, "the logger is given back as it was"
