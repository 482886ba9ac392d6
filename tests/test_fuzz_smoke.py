"""The fuzz harnesses (fuzz/fuzz_*.py) run cheaply in CI: each harness's TestOneInput on its seeds (the
fixtures and hand-made inputs), on every crash fuzzing ever found (fuzz/crashes/TARGET/, kept as
regression fixtures), and on a few hundred random and mutated inputs. No atheris needed: the harness
function is called directly. With atheris installed and ARTCLEAN_FUZZ_SECONDS set, each harness also
runs under the real fuzzer for that long (see fuzz/README.md).
"""

from __future__ import annotations

import importlib.util
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

FUZZ = Path(__file__).resolve().parents[1] / "fuzz"
TARGETS = ["decode", "read_text", "read_html", "rulepack", "jsonl"]
RANDOM_INPUTS = {"decode": 300, "read_text": 120, "read_html": 120, "rulepack": 200, "jsonl": 150}


def harness(target: str):
    sys.path.insert(0, str(FUZZ))
    try:
        spec = importlib.util.spec_from_file_location(f"fuzz_{target}", FUZZ / f"fuzz_{target}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        import _common
    finally:
        sys.path.remove(str(FUZZ))
    return module, _common


def mutate(rnd: random.Random, data: bytes) -> bytes:
    """A few libFuzzer-style mutations: flip, insert, erase, duplicate, splice in an interesting value."""
    data = bytearray(data)
    interesting = [b"\x00", b"\xff", b"\xfe\xff", b"\xef\xbb\xbf", b"\r", b"\n", b"<", b">", b"&#", b"{", b"}",
                   b"\"", b"\\u", b"*", b"&", b"!!", b"\x1f\x8b", b"\x80", b"\xc3", b"\xe2\x80", b"(a|a)+$"]
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(5)
        at = rnd.randint(0, len(data))
        if op == 0 and data:
            data[min(at, len(data) - 1)] ^= 1 << rnd.randrange(8)
        elif op == 1:
            data[at:at] = rnd.choice(interesting)
        elif op == 2:
            del data[at:at + rnd.randint(1, 64)]
        elif op == 3 and data:
            start = rnd.randrange(len(data))
            data[at:at] = data[start:start + rnd.randint(1, 256)]
        else:
            data[at:at] = bytes(rnd.randrange(256) for _ in range(rnd.randint(1, 16)))
    return bytes(data)


@pytest.mark.parametrize("target", TARGETS)
def test_harness_accepts_its_seeds_and_every_crash_found_so_far(target):
    module, common = harness(target)
    for data in common.seeds(target):
        module.TestOneInput(data)
    for name, data in common.crashes(target):
        try:
            module.TestOneInput(data)
        except BaseException as exc:  # noqa: BLE001 (name the fixture that regressed)
            raise AssertionError(f"fuzz/crashes/{target}/{name} crashes again: {exc!r}") from exc


@pytest.mark.parametrize("target", TARGETS)
def test_harness_on_random_and_mutated_inputs(target):
    module, common = harness(target)
    rnd = random.Random(f"artclean-{target}")  # the same inputs on every run
    seeds = [s for s in common.seeds(target) if len(s) < 20_000] or [b""]
    for i in range(RANDOM_INPUTS[target]):
        if i % 3 == 0:
            data = bytes(rnd.randrange(256) for _ in range(rnd.randint(0, 300)))
        else:
            data = mutate(rnd, rnd.choice(seeds))
        try:
            module.TestOneInput(data)
        except BaseException as exc:  # noqa: BLE001 (print the input to keep it as a crash fixture)
            raise AssertionError(f"{target} harness failed on {data[:400]!r}: {exc!r}") from exc


@pytest.mark.skipif(not os.environ.get("ARTCLEAN_FUZZ_SECONDS"), reason="set ARTCLEAN_FUZZ_SECONDS to fuzz for real")
@pytest.mark.parametrize("target", TARGETS)
def test_fuzz_for_real(target, tmp_path):
    pytest.importorskip("atheris")
    seconds = int(os.environ["ARTCLEAN_FUZZ_SECONDS"])
    proc = subprocess.run([sys.executable, str(FUZZ / f"fuzz_{target}.py"), f"-max_total_time={seconds}",
                           "-timeout=10", "-rss_limit_mb=2048", f"-artifact_prefix={tmp_path}/", str(tmp_path / "corpus")],
                          capture_output=True, timeout=seconds + 300)
    crashes = sorted(p.name for p in tmp_path.iterdir() if p.name != "corpus")
    assert proc.returncode == 0 and not crashes, (crashes, proc.stderr.decode(errors="replace")[-3000:])
