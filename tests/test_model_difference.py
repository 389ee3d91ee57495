"""Retrained or not: what counts as the same model when the shipped file is checked."""

from __future__ import annotations

from analysis.text_vectors import model_difference

SHIPPED = {
    "per_theme": {"money": {"add_from": 0.8381, "veto_below": 0.0501, "bias": -7.472}},
    "weights": [12, -40, 7],
    "version": "2026.12-5",
}


def _with(**changes: object) -> dict[str, object]:
    theme = {**SHIPPED["per_theme"]["money"], **changes}  # type: ignore[index]
    return {**SHIPPED, "per_theme": {"money": theme}}


def test_the_same_file_is_the_same_model() -> None:
    assert model_difference(SHIPPED, SHIPPED) is None


def test_a_cut_may_move_to_a_neighbouring_score() -> None:
    # As OpenBLAS's Haswell kernels moved support_from_council's add_from.
    assert model_difference(_with(add_from=0.8426), SHIPPED) is None
    assert model_difference(_with(veto_below=0.0551), SHIPPED) is None


def test_a_cut_that_moves_further_is_a_different_model() -> None:
    found = model_difference(_with(add_from=0.86), SHIPPED)
    assert found == "model.per_theme.money.add_from"
    assert model_difference(_with(veto_below=0.07), SHIPPED) == "model.per_theme.money.veto_below"


def test_other_floats_keep_to_their_last_digit() -> None:
    assert model_difference(_with(bias=-7.473), SHIPPED) is None
    assert model_difference(_with(bias=-7.4), SHIPPED) == "model.per_theme.money.bias"


def test_whole_number_weights_may_differ_by_two() -> None:
    assert model_difference({**SHIPPED, "weights": [14, -38, 7]}, SHIPPED) is None
    assert model_difference({**SHIPPED, "weights": [15, -40, 7]}, SHIPPED) == "model.weights[0]"


def test_missing_keys_and_other_text_differ() -> None:
    assert model_difference({**SHIPPED, "version": "2026.12-6"}, SHIPPED) == "model.version"
    assert model_difference({"weights": [12, -40, 7]}, SHIPPED) == "model"
