import pytest

from studio.core import events
from studio.core.architecture import Architecture
from studio.core.block import Block
from studio.core.errors import ArchitectureError


def test_frozen_round_trips_and_is_written_only_when_true():
    arch = Architecture((4,), [Block.create("Linear", out_features=3), Block.create("ReLU")])
    seen = []
    arch.subscribe(seen.append)
    arch.set_frozen(0, True)
    assert seen == [events.FrozenChanged(0, False, True)]
    data = arch.to_dict()
    assert data["layers"][0]["frozen"] is True and "frozen" not in data["layers"][1]
    again = Architecture.from_dict(data)
    assert [b.frozen for b in again] == [True, False]
    assert again[0].copy().frozen


def test_frozen_must_be_a_bool():
    with pytest.raises(ArchitectureError, match="frozen must be true or false"):
        Architecture.from_dict({"input_shape": [4], "layers": [{"type": "ReLU", "frozen": "yes"}]})
