"""Code import: linear in the network's length, bounded by MAX_LAYERS, and ``--trust`` code
run in a child process whose loops, exits and allocations end in one line (exit 2)."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path

import pytest

from studio.cli import main
from studio.core.architecture import MAX_LAYERS
from studio.core.codegen.importer import import_code
from studio.core.codegen.sandbox import Limits, TrustedImport
from studio.core.errors import CodeImportError

pytestmark = pytest.mark.reliability


def inline(count: int) -> str:
    body = "".join(
        "    nn.Linear(16, 16),\n" if i % 2 == 0 else "    nn.ReLU(),\n" for i in range(count)
    )
    return f"import torch.nn as nn\n\nmodel = nn.Sequential(\n{body})\n"


def named(count: int) -> str:
    lines = [f"l{i} = nn.Linear(16, 16)" for i in range(count)]
    parts = ", ".join(f"l{i}" for i in range(count))
    return "import torch.nn as nn\n" + "\n".join(lines) + f"\nmodel = nn.Sequential({parts})\n"


def timed(source: str) -> float:
    gc.collect()  # start each run from the same heap
    start = time.perf_counter()
    result = import_code(source, input_shape=(16,))
    elapsed = time.perf_counter() - start
    assert len(result.architecture) > 0
    return elapsed


@pytest.mark.parametrize("layout", [inline, named], ids=["inline", "named-variables"])
def test_import_time_grows_linearly_with_the_layers(layout) -> None:
    small, large = layout(200), layout(2000)
    timed(small)  # warm-up: torch and the layer signatures
    small_times, large_times = [], []
    for _ in range(3):  # side by side, so that a busy machine slows both alike
        small_times += [timed(small), timed(small)]
        large_times.append(timed(large))

    ratio = min(large_times) / min(small_times)

    assert ratio < 20, f"2,000 layers took {ratio:.1f}× as long as 200 (linear is about 10×)"


def test_more_than_max_layers_is_refused_with_the_limit() -> None:
    with pytest.raises(CodeImportError) as caught:
        import_code(inline(MAX_LAYERS + 1), input_shape=(16,), filename="long.py")
    assert f"at most {MAX_LAYERS}" in caught.value.message
    assert "long.py" in caught.value.message


def test_a_file_far_too_long_is_refused_before_it_is_parsed(monkeypatch) -> None:
    import ast

    def no_parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(ast, "parse", no_parse)
    with pytest.raises(CodeImportError, match="calls, far more than a network"):
        import_code(inline(5 * MAX_LAYERS + 1), input_shape=(16,))


def test_nested_sequentials_cannot_multiply_past_the_limit() -> None:
    lines = ["import torch.nn as nn", "a = nn.Sequential(" + "nn.ReLU(), " * 10 + ")"]
    for outer, inner in zip("bcdefgh", "abcdefg", strict=True):  # 10**8 layers when expanded
        lines.append(f"{outer} = nn.Sequential(" + f"{inner}, " * 10 + ")")
    with pytest.raises(CodeImportError, match=f"at most {MAX_LAYERS}"):
        import_code("\n".join(lines) + "\n", input_shape=(16,))


# --- --trust: the file's code runs in a child process ------------------------------------

HEADER = """\
import os
import sys
import torch
import torch.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 2)

    def forward(self, x):
"""
ATTACKS = {
    "endless-loop": ("        while True:\n            pass\n", "did not finish within 2 seconds"),
    "sys-exit": ("        sys.exit(7)\n", "called sys.exit(7)"),
    "os-exit": ("        os._exit(3)\n", "exit code 3"),
    "huge-tensor": ("        torch.empty(10**13)\n", "more memory than the import allows"),
    "huge-bytes": ("        bytearray(10**13)\n", "more memory than the import allows"),
    "keyboard-interrupt": ("        raise KeyboardInterrupt\n", "KeyboardInterrupt"),
}


@pytest.mark.parametrize("attack", list(ATTACKS))
def test_trusted_code_that_attacks_gets_one_line_and_exit_2(tmp_path, capsys, attack) -> None:
    body, expected = ATTACKS[attack]
    code = tmp_path / "attack.py"
    code.write_text(HEADER + body, encoding="utf-8")
    out = tmp_path / "p.json"

    rc = main(["import", str(code), "--trust", "--timeout", "2", "--input-shape", "4",
               "-o", str(out)])  # fmt: skip

    err = capsys.readouterr().err
    assert rc == 2
    assert err.count("\n") == 1 and err.startswith("studio: ") and expected in err
    assert "Traceback" not in err
    assert not out.exists()


def test_the_time_limit_reaches_processes_the_code_starts(tmp_path) -> None:
    pid_file = tmp_path / "grandchild.pid"
    body = (
        "        pid = os.fork()\n"
        "        if pid == 0:\n"
        "            while True:\n"
        "                pass\n"
        f"        open({str(pid_file)!r}, 'w').write(str(pid))\n"
        "        while True:\n"
        "            pass\n"
    )
    task = TrustedImport(HEADER + body, input_shape=(4,), limits=Limits(seconds=2))
    with pytest.raises(CodeImportError, match="did not finish"):
        task.wait()
    pid = int(pid_file.read_text())
    deadline = time.monotonic() + 10  # SIGKILL is delivered asynchronously
    while alive(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(pid), "the code's own child process outlived the import"


def alive(pid: int) -> bool:
    """Running, as opposed to gone or a zombie waiting for init to reap it."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return False
        return True
    return state != "Z"


def test_the_memory_limit_holds_below_what_the_machine_would_allow() -> None:
    body = "        self.big = torch.ones(2 * 1024**3 // 4)\n        return self.fc(x)\n"
    limits = Limits(seconds=30, memory_bytes=512 * 1024**2)  # 2 GB would fit in RAM here

    with pytest.raises(CodeImportError, match=r"more memory than the import allows \(0\.5 GB\)"):
        TrustedImport(HEADER + body, input_shape=(4,), limits=limits).wait()


def test_a_good_trusted_file_comes_back_with_its_weights() -> None:
    result = TrustedImport(HEADER + "        return self.fc(x)\n", input_shape=(4,)).wait()

    assert [block.type for block in result.architecture] == ["Linear"]
    assert result.source_kind == "module" and result.name == "Net"
    assert set(result.state_dict) == {"0.weight", "0.bias"}


def test_without_trust_nothing_from_the_file_runs(tmp_path: Path, capsys) -> None:
    marker = tmp_path / "ran"
    code = tmp_path / "payload.py"
    code.write_text(
        HEADER + "        return self.fc(x)\n\n\n"
        f"open({str(marker)!r}, 'w').write('payload')\nclass Evil(nn.Module):\n"
        f"    def forward(self, x):\n        open({str(marker)!r}, 'w')\n",
        encoding="utf-8",
    )

    rc = main(["import", str(code), "-o", str(tmp_path / "p.json")])

    assert rc == 2 and "--trust" in capsys.readouterr().err
    assert not marker.exists()


@pytest.mark.parametrize(
    "written",
    [
        "{not json",
        '{"ok": {"architecture": {"input_shape": [4], "blocks": "x"}, "name": "n",'
        ' "source_kind": "module"}}',
        '{"error": {"kind": "CodeImportError", "template": "{missing}", "args": {}}}',
        '{"ok": 1}',
    ],
    ids=["not-json", "bad-architecture", "bad-template", "not-a-dict"],
)
def test_a_forged_child_result_is_read_like_any_untrusted_file(tmp_path, written) -> None:
    from studio.core.codegen import sandbox_result

    (tmp_path / "started").touch()
    (tmp_path / sandbox_result.RESULT).write_text(written, encoding="utf-8")

    outcome = sandbox_result.read(tmp_path, 0, "x.py", Limits(), "")

    assert isinstance(outcome, CodeImportError)
    assert outcome.message.endswith(".") and "{" not in outcome.message
