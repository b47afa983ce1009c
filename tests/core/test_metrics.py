"""Confusion matrix, per-class and overall accuracy against hand computations."""

from __future__ import annotations

import math

import numpy as np
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

from studio.core.training.metrics import (
    accuracy,
    confusion_matrix,
    per_class_accuracy,
    per_class_dict,
)


def test_confusion_matrix_by_hand():
    true = torch.tensor([0, 0, 0, 1, 1, 2, 2, 2, 2])
    pred = torch.tensor([0, 1, 0, 1, 1, 2, 0, 2, 1])
    confusion = confusion_matrix(true, pred, 4)
    # rows = true, columns = predicted; class 3 has no samples and is never predicted
    expected = [
        [2, 1, 0, 0],
        [0, 2, 0, 0],
        [1, 1, 2, 0],
        [0, 0, 0, 0],
    ]
    assert confusion.dtype == torch.int64
    assert confusion.tolist() == expected
    per_class = per_class_accuracy(confusion)
    assert per_class[:3].tolist() == [2 / 3, 1.0, 2 / 4]
    assert math.isnan(per_class[3])
    assert accuracy(confusion) == 6 / 9
    assert per_class_dict(confusion, ["a", "b", "c", "d"]) == {"a": 2 / 3, "b": 1.0, "c": 0.5}


def test_empty_confusion_has_no_accuracy():
    empty = confusion_matrix(torch.tensor([], dtype=torch.int64), torch.tensor([]), 3)
    assert empty.tolist() == [[0, 0, 0]] * 3
    assert math.isnan(accuracy(empty))
    assert per_class_dict(empty, ["a", "b", "c"]) == {}


@settings(max_examples=50, deadline=None)
@given(
    st.integers(1, 6).flatmap(
        lambda k: st.tuples(
            st.just(k),
            st.lists(st.tuples(st.integers(0, k - 1), st.integers(0, k - 1)), max_size=60),
        )
    )
)
def test_confusion_matches_a_python_count(case):
    k, pairs = case
    true = torch.tensor([t for t, _ in pairs], dtype=torch.int64)
    pred = torch.tensor([p for _, p in pairs], dtype=torch.int64)
    expected = np.zeros((k, k), dtype=np.int64)
    for t, p in pairs:
        expected[t, p] += 1
    confusion = confusion_matrix(true, pred, k)
    assert np.array_equal(confusion.numpy(), expected)
    correct = sum(t == p for t, p in pairs)
    if pairs:
        assert accuracy(confusion) == correct / len(pairs)
    for c, value in enumerate(per_class_accuracy(confusion).tolist()):
        row = [p for t, p in pairs if t == c]
        if row:
            assert value == sum(p == c for p in row) / len(row)
        else:
            assert math.isnan(value)
