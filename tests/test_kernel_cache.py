"""The compiled kernel's build and cache: bounded, self-healing, portable, built once per cluster.

A damaged cache entry is rebuilt with a one-line note and the same results (never a crash);
``cc`` runs under a time and memory limit in its own process group and leaves nothing behind;
too large a source is never built; the engine choice travels in the run's spec to Dask
workers, which load the parent's kernel without a compiler; the cache keeps its newest
kernels only.
"""

from __future__ import annotations

import ast
import collections
import glob
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from game.loader.load import read_bytes
from game.runners import kernel_cache
from game.runners.load import load_scenario
from game.runners.local import RunSpec, policies_for, run_chunk
from game.runners.sweep import tally_to_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIAL = os.path.join(ROOT, "scenarios", "tutorial.yaml")
needs_cc = pytest.mark.skipif(kernel_cache.compiler() is None, reason="no C compiler")
SIMULATE = ["simulate", "scenarios/tutorial.yaml", "--games", "300", "--seed", "5", "--json", "--quiet"]


def cli(args: list[str], env: dict, **kw) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "main.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=180, **kw
    )


def env_with(cache: str, **extra: str) -> dict:
    env = {**os.environ, "REDLINE_CACHE": cache, **extra}
    env.pop("REDLINE_ENGINE", None)
    return env


def the_so(cache: str) -> str:
    (so,) = glob.glob(os.path.join(cache, "kernels", "k_*.so"))
    return so


@pytest.fixture
def fresh(monkeypatch, tmp_path):
    """This process's kernel state as if it had just started, with its own cache folder."""
    monkeypatch.setattr(kernel_cache, "_libraries", {})
    monkeypatch.setattr(kernel_cache, "_loaded", collections.OrderedDict())
    monkeypatch.setattr(kernel_cache, "_noted", set())
    monkeypatch.setenv("REDLINE_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("CC", raising=False)
    return tmp_path / "cache" / "kernels"


def fake_cc(folder, body: str) -> str:
    """A ``cc`` on PATH that runs ``body`` (a shell script) instead of compiling."""
    folder.mkdir(exist_ok=True)
    path = folder / "cc"
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)
    return str(folder)


def alive_in_group(pgid: int) -> list[int]:
    """Processes of a process group that are still running (zombies aside), from /proc."""
    out = []
    for stat in glob.glob("/proc/[0-9]*/stat"):
        try:
            with open(stat) as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            out.append(int(os.path.basename(os.path.dirname(stat))))
    return out


def still_alive_after_kill(pgid: int) -> list[int]:
    """``alive_in_group`` once the kill has been delivered: a killed process that is not our
    child runs on for a moment (state R) before it exits, so look again for a while."""
    for _ in range(200):
        alive = alive_in_group(pgid)
        if not alive:
            break
        time.sleep(0.05)
    return alive


# ---------------------------------------------------------------------------
# a damaged cache entry: rebuilt, with a note, and the same results


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A cache holding the tutorial's kernel, and the results it gives."""
    if kernel_cache.compiler() is None:
        pytest.skip("no C compiler")
    cache = str(tmp_path_factory.mktemp("built"))
    done = cli([*SIMULATE, "--engine", "compiled"], env_with(cache))
    assert done.returncode == 0, done.stderr
    numpy_run = cli([*SIMULATE, "--engine", "numpy"], env_with(cache))
    assert numpy_run.stdout == done.stdout
    return cache, done.stdout


def _truncate(so: str) -> None:
    with open(so, "r+b") as f:
        f.truncate(os.path.getsize(so) // 2)


def _flip_bytes(so: str) -> None:
    with open(so, "r+b") as f:
        data = bytearray(f.read())
        for i in range(len(data) // 4, len(data) // 4 + 64):
            data[i] ^= 0xFF
        f.seek(0)
        f.write(data)


def _empty(so: str) -> None:
    open(so, "wb").close()


def _wrong_hash(so: str) -> None:
    with open(so + ".sha256", "w") as f:
        f.write(hashlib.sha256(b"another library").hexdigest() + "\n")


def _no_hash(so: str) -> None:
    os.remove(so + ".sha256")


def _no_entry_point(so: str) -> None:
    """A valid library with a valid hash, but not a kernel."""
    c_file = so + ".other.c"
    with open(c_file, "w") as f:
        f.write("int something_else(void) { return 1; }\n")
    subprocess.run([kernel_cache.compiler() or "cc", "-shared", "-fPIC", "-o", so, c_file], check=True)
    os.remove(c_file)
    with open(so, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest()
    with open(so + ".sha256", "w") as f:
        f.write(digest + "\n")


@pytest.mark.parametrize(
    "damage, why",
    [
        (_truncate, "its bytes do not match its hash"),
        (_flip_bytes, "its bytes do not match its hash"),
        (_empty, "it is empty"),
        (_wrong_hash, "its bytes do not match its hash"),
        (_no_hash, "its hash file is missing"),
        (_no_entry_point, "it has no entry point redline_play"),
    ],
    ids=["truncated", "flipped-bytes", "zero-length", "wrong-hash", "no-hash", "no-entry-point"],
)
def test_a_damaged_kernel_is_rebuilt_with_a_note_and_the_same_results(built, tmp_path, damage, why):
    base, expected = built
    cache = str(tmp_path / "cache")
    shutil.copytree(base, cache)
    so = the_so(cache)
    damage(so)
    done = cli([*SIMULATE, "--engine", "compiled"], env_with(cache))
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected
    assert done.stderr.splitlines() == [f"note: kernel cache: {so} was damaged ({why}); rebuilding it"]
    with open(so, "rb") as f, open(so + ".sha256") as h:
        assert hashlib.sha256(f.read()).hexdigest() == h.read().strip()
    again = cli([*SIMULATE, "--engine", "compiled"], env_with(cache))
    assert (again.stdout, again.stderr) == (expected, "")


# ---------------------------------------------------------------------------
# bounded builds


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_a_compiler_past_its_time_is_killed_with_its_group_and_numpy_plays(fresh, tmp_path, monkeypatch, capsys):
    pidfile = tmp_path / "cc.pid"
    bin_dir = fake_cc(tmp_path / "bin", f"echo $$ > {pidfile}\nsleep 60 &\nsleep 60\n")
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(kernel_cache, "BUILD_TIMEOUT_S", 1.0)
    rules = load_scenario(TUTORIAL).rules
    games = np.arange(50, dtype=np.uint64)
    assert kernel_cache.play(rules, 3, games, policies_for(rules)) is None
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "note: the compiled kernel could not be built (the C compiler took longer than 1 s); using the numpy engine"
    ]
    pgid = int(pidfile.read_text())
    assert still_alive_after_kill(pgid) == []
    assert glob.glob(str(fresh / "*.tmp")) == []
    assert glob.glob(str(fresh / "*.so")) == []
    with pytest.raises(kernel_cache.KernelUnavailable, match="took longer than 1 s"):
        kernel_cache.play(rules, 3, games, policies_for(rules), "compiled")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("sig, status", [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "sigterm"])
def test_the_compiler_dies_with_redline(tmp_path, sig, status):
    """Ctrl+C or SIGTERM during a build: the compiler's whole group is killed, no temporary file stays."""
    pidfile = tmp_path / "cc.pid"
    bin_dir = fake_cc(tmp_path / "bin", f"sleep 60 &\necho $$ > {pidfile}\nsleep 60\n")
    cache = str(tmp_path / "cache")
    env = env_with(cache, PATH=bin_dir + os.pathsep + os.environ["PATH"])
    env.pop("CC", None)
    proc = subprocess.Popen(
        [sys.executable, "main.py", *SIMULATE], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        for _ in range(600):
            if pidfile.exists() and pidfile.read_text().strip():
                break
            time.sleep(0.05)
        pgid = int(pidfile.read_text())
        assert alive_in_group(pgid)
        proc.send_signal(sig)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == status, err
    assert still_alive_after_kill(pgid) == []
    assert glob.glob(os.path.join(cache, "kernels", "*.tmp")) == []


def test_the_compiler_runs_under_a_memory_limit(fresh, tmp_path, monkeypatch, capsys):
    if os.name != "posix":
        pytest.skip("resource limits are POSIX")
    hog = tmp_path / "hog.py"
    hog.write_text("import sys\nx = bytearray(600 * 1024 * 1024)\nsys.exit(0)\n")
    bin_dir = fake_cc(tmp_path / "bin", f'exec "{sys.executable}" "{hog}"\n')
    monkeypatch.setenv("PATH", bin_dir + os.pathsep + os.environ["PATH"])
    monkeypatch.setattr(kernel_cache, "BUILD_MEMORY_BYTES", 300 * 1024 * 1024)
    rules = load_scenario(TUTORIAL).rules
    assert kernel_cache.play(rules, 3, np.arange(5, dtype=np.uint64), policies_for(rules)) is None
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("note: the compiled kernel could not be built (the C compiler failed: MemoryError")
    assert glob.glob(str(fresh / "*.tmp")) == []


def test_too_large_a_source_is_never_built(fresh, monkeypatch, capsys):
    monkeypatch.setattr(kernel_cache, "MAX_SOURCE_BYTES", 4096)
    spec = RunSpec(read_bytes(TUTORIAL), "tutorial.yaml", 2)
    got = run_chunk(spec, 0, 400)
    (line,) = capsys.readouterr().err.splitlines()
    assert line.startswith("note: rules too large for the compiled engine (")
    assert line.endswith(" KB of C > 4 KB); using the numpy engine")
    assert not os.path.exists(fresh) or os.listdir(fresh) == []
    numpy_run = run_chunk(RunSpec(read_bytes(TUTORIAL), "tutorial.yaml", 2, engine="numpy"), 0, 400)
    assert json.dumps(tally_to_json(got.tally)) == json.dumps(tally_to_json(numpy_run.tally))
    with pytest.raises(kernel_cache.KernelUnavailable, match="rules too large"):
        run_chunk(RunSpec(read_bytes(TUTORIAL), "tutorial.yaml", 2, engine="compiled"), 0, 10)


def test_engine_compiled_without_a_compiler_is_one_line_exit_2(tmp_path):
    env = env_with(str(tmp_path), CC=str(tmp_path / "no-such-cc"))
    for args in (
        SIMULATE,
        ["sweep", "scenarios/tutorial.yaml", "--set", "params.enforce_p=0.1,0.2", "--games", "50"],
    ):
        done = cli([*args, "--engine", "compiled"], env)
        assert done.returncode == 2
        (line,) = done.stderr.splitlines()
        assert line.startswith(f"python main.py {args[0]}: error: --engine compiled needs a C compiler: ")
        assert "no-such-cc" in line
    auto = cli(SIMULATE, env)
    assert auto.returncode == 0 and auto.stderr == ""


def test_macos_shim_without_developer_tools_is_no_compiler(fresh, tmp_path, monkeypatch):
    if not os.path.exists("/usr/bin/cc"):
        pytest.skip("needs a /usr/bin/cc to stand for the shim")
    monkeypatch.setattr(sys, "platform", "darwin")
    monkeypatch.setenv("CC", "/usr/bin/cc")
    tools = tmp_path / "tools"
    tools.mkdir()
    select = tools / "xcode-select"
    select.write_text("#!/bin/sh\nexit 2\n")
    select.chmod(0o755)
    monkeypatch.setenv("PATH", str(tools) + os.pathsep + os.environ["PATH"])
    assert kernel_cache.compiler() is None
    assert "xcode-select --install" in kernel_cache.missing_compiler_message()
    select.write_text("#!/bin/sh\necho /Library/Developer/CommandLineTools\n")
    # another PATH string, so the compiler is looked up again rather than remembered
    monkeypatch.setenv("PATH", str(tools) + os.pathsep + os.pathsep + os.environ["PATH"])
    assert kernel_cache.compiler() == "/usr/bin/cc"


def test_the_cache_folder_without_getuid(fresh, monkeypatch):
    """Windows has no ``os.getuid``: the cache folder is found all the same."""
    monkeypatch.delattr(os, "getuid")
    assert kernel_cache.cache_dir() == str(fresh)


# ---------------------------------------------------------------------------
# pruning


def _fake_entries(folder, n: int, start: float) -> list[str]:
    folder.mkdir(parents=True, exist_ok=True)
    stems = []
    for i in range(n):
        stem = f"k_{i:020x}"
        for suffix in (".so", ".so.sha256", ".c"):
            path = folder / (stem + suffix)
            path.write_bytes(b"x")
            os.utime(path, (start + i, start + i))
        stems.append(stem)
    return stems


def test_pruning_keeps_the_newest_and_cleans_old_temporaries(tmp_path):
    folder = tmp_path / "kernels"
    stems = _fake_entries(folder, 70, time.time() - 10_000)
    stale, recent = folder / "k_1.so.abc.tmp", folder / "k_2.so.def.tmp"
    stale.write_bytes(b"")
    os.utime(stale, (time.time() - 2 * kernel_cache.STALE_TMP_S,) * 2)
    recent.write_bytes(b"")
    kernel_cache.prune(str(folder), keep=64)
    left = sorted(os.listdir(folder))
    assert left == sorted([s + x for s in stems[6:] for x in (".so", ".so.sha256", ".c")] + [recent.name])


@needs_cc
def test_a_build_prunes_the_cache_and_a_use_keeps_a_kernel(fresh, monkeypatch):
    monkeypatch.setattr(kernel_cache, "KEEP", 3)
    old = _fake_entries(fresh, 5, time.time() - 10_000)
    rules = load_scenario(TUTORIAL).rules
    assert kernel_cache.play(rules, 1, np.arange(5, dtype=np.uint64), policies_for(rules), "compiled") is not None
    stems = {name.split(".", 1)[0] for name in os.listdir(fresh)}
    built_now = stems - set(old)
    assert len(built_now) == 1 and stems == {old[3], old[4], *built_now}


# ---------------------------------------------------------------------------
# the engine choice and the kernel travel with the tasks to Dask workers


@pytest.fixture
def dask_worker_without_cc(tmp_path, monkeypatch):
    """A local Dask cluster whose one worker has no C compiler and its own cache folder."""
    distributed = pytest.importorskip("distributed")
    worker_cache = tmp_path / "worker"
    with monkeypatch.context() as m:
        m.setenv("PYTHONPATH", ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
        m.setenv("CC", str(tmp_path / "no-such-cc"))
        m.setenv("REDLINE_CACHE", str(worker_cache))
        cluster = distributed.LocalCluster(
            n_workers=1, processes=True, threads_per_worker=1, dashboard_address=":0", silence_logs=40
        )
    client = distributed.Client(cluster)
    try:
        yield client, worker_cache / "kernels"
    finally:
        client.close()
        cluster.close()


def _worker_kernels(client) -> list[str]:
    def loaded() -> list[str]:
        from game.runners import kernel_cache as kc

        return sorted(kc._libraries)

    return next(iter(client.run(loaded).values()))


@needs_cc
def test_engine_choice_and_kernel_reach_dask_workers(fresh, dask_worker_without_cc):
    from game.runners.dask_runner import DaskExecutor
    from game.runners.local import simulate

    client, worker_kernels = dask_worker_without_cc
    source = read_bytes(TUTORIAL)
    want = json.dumps(tally_to_json(simulate(RunSpec(source, "tutorial.yaml", 4, engine="numpy"), 3000, chunk=1000)))
    numpy_run = simulate(
        RunSpec(source, "tutorial.yaml", 4, engine="numpy"), 3000, executor=DaskExecutor(client, own=False), chunk=1000
    )
    assert json.dumps(tally_to_json(numpy_run)) == want
    assert _worker_kernels(client) == []  # numpy was honoured: no kernel loaded there
    compiled_run = simulate(
        RunSpec(source, "tutorial.yaml", 4, engine="compiled"),
        3000,
        executor=DaskExecutor(client, own=False),
        chunk=1000,
    )
    assert json.dumps(tally_to_json(compiled_run)) == want
    assert len(_worker_kernels(client)) == 1
    # the worker has no compiler: it cached the parent's library (checked by its hash), built nothing
    names = sorted(os.listdir(worker_kernels))
    assert [n.rsplit(".", 1)[-1] for n in names] == ["so", "sha256"]
    with open(worker_kernels / names[0], "rb") as f:
        assert f.read() == open(the_so(str(fresh.parent)), "rb").read()


def test_a_shipped_kernel_with_a_bad_hash_is_not_used(fresh, monkeypatch, capsys):
    monkeypatch.setenv("CC", "/nonexistent/cc")
    text = "int redline_play(void) { return 0; }\nint redline_keys(void) { return 0; }\n"
    bad = kernel_cache.KernelBinary(kernel_cache.cache_key(text), "0" * 64, b"\x7fELF junk")
    with pytest.raises(kernel_cache.NoCompiler):
        kernel_cache.library(text, shipped=(bad,))
    assert capsys.readouterr().err == "note: a kernel shipped with the task failed its hash check; not using it\n"
    assert not os.path.exists(fresh) or os.listdir(fresh) == []


def test_run_spec_carries_a_known_engine():
    with pytest.raises(ValueError):
        RunSpec(b"", "x.yaml", 1, engine="fast")
    assert RunSpec(b"", "x.yaml", 1).engine == "auto"


# ---------------------------------------------------------------------------
# layering


def test_the_engine_runs_no_process_and_reads_no_environment():
    """``game/engine`` is pure: the kernel's build, cache and dlopen live in the runners."""
    banned = {"subprocess", "shutil", "tempfile", "platformdirs", "glob", "resource"}
    found = []
    for path in glob.glob(os.path.join(ROOT, "game", "engine", "**", "*.py"), recursive=True):
        with open(path, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name.split(".")[0] for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module.split(".")[0]]
            found += [f"{os.path.relpath(path, ROOT)}: imports {n}" for n in names if n in banned]
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "CDLL", "system", "popen"):
                found.append(f"{os.path.relpath(path, ROOT)}:{node.lineno}: uses .{node.attr}")
    assert found == []
