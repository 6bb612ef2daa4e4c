"""Sweeps: the grid, common random numbers, identical results anywhere, faults, resume, report."""

from __future__ import annotations

import gzip
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from game.loader.load import read_bytes
from game.runners import sweep as sweep_mod
from game.runners.balance import balance_warnings, turn_limit_share
from game.runners.load import load_scenario
from game.runners.local import RunSpec, run_chunk, simulate
from game.runners.sweep import Sweep, make_axes, run_sweep, tally_from_json, tally_to_json

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TUTORIAL = "scenarios/tutorial.yaml"
GRID = {"enforce_p": [0.0, 1.0], "accident_p": [0.05, 0.3]}


def make(sets=None, games=3000, seed=1, chunk=500) -> Sweep:
    loaded = load_scenario(os.path.join(ROOT, TUTORIAL))
    axes = make_axes(loaded.scenario, sets or GRID)
    return Sweep(read_bytes(os.path.join(ROOT, TUTORIAL)), "tutorial.yaml", axes, games, seed, chunk=chunk)


def numbers(res: dict) -> dict:
    """Everything but the run's timings and counts of reused work."""
    return {k: v for k, v in res.items() if k != "run"}


@pytest.fixture(scope="module")
def reference():
    return run_sweep(make(), workers=1)


def test_grid_order_and_shares(reference):
    pts = reference["points"]
    assert [p["values"] for p in pts] == [
        {"params.enforce_p": 0.0, "params.accident_p": 0.05},
        {"params.enforce_p": 0.0, "params.accident_p": 0.3},
        {"params.enforce_p": 1.0, "params.accident_p": 0.05},
        {"params.enforce_p": 1.0, "params.accident_p": 0.3},
    ]
    for p in pts:
        assert p["games"] == 3000
        assert sum(p["outcomes"].values()) == pytest.approx(1.0)
        assert sum(p["max_rung"].values()) == pytest.approx(1.0)
        for oid, (lo, hi) in p["outcome_intervals"].items():
            assert lo <= p["outcomes"][oid] <= hi
        assert p["turns"]["p50"] <= p["turns"]["p95"] <= reference["turn_limit"]
        assert p["escalation_by_turn"]["live"][0] == 3000
        assert set(p["red_lines"]) == {"island_landing", "homeland_struck"}
    params = {(r["param"], r["outcome"]) for r in reference["sensitivity"]}
    assert params == {
        (a, o) for a in ("params.enforce_p", "params.accident_p") for o in ("war", "settlement", "standoff")
    }
    mags = [abs(r["change"]) for r in reference["sensitivity"]]
    assert mags == sorted(mags, reverse=True)
    war = next(r for r in reference["sensitivity"] if r["param"] == "params.enforce_p" and r["outcome"] == "war")
    mean = lambda v: np.mean([p["outcomes"]["war"] for p in pts if p["values"]["params.enforce_p"] == v])  # noqa: E731
    assert war["change"] == pytest.approx(mean(1.0) - mean(0.0))
    assert reference["digest"] == sweep_mod.digest(read_bytes(os.path.join(ROOT, TUTORIAL)))


def test_same_result_on_two_workers_and_as_simulate(reference):
    assert numbers(run_sweep(make(), workers=2)) == numbers(reference)
    sw = make()
    spec = sw.specs()[3]
    tally = simulate(spec, sw.games, 1, chunk=sw.chunk)
    p = reference["points"][3]
    assert [p["outcome_counts"][o] for o in ("war", "settlement", "standoff")] == tally.outcomes.tolist()


def test_common_random_numbers():
    sw = make({"enforce_p": [0.0, 0.5, 0.5, 1.0]}, games=4000)
    per_game = {}
    res = run_sweep(sw, on_chunk=lambda p, r: per_game.setdefault(p, []).append(r))
    a, b = res["points"][1], res["points"][2]
    assert {k: v for k, v in a.items() if k not in ("index", "values")} == {
        k: v for k, v in b.items() if k not in ("index", "values")
    }
    p0, p3 = res["points"][0], res["points"][3]
    assert p0["red_lines"]["island_landing"]["responses"]["strike_back"] == 0
    assert p3["red_lines"]["island_landing"]["responses"]["strike_back"] > 0
    # before the red line first trips, a game cannot tell enforce_p=0 from 1: same trips, and
    # every game where it never tripped plays out identically
    assert p0["red_lines"]["island_landing"]["trip_rate"] == p3["red_lines"]["island_landing"]["trip_rate"]

    def cat(p, key):
        return np.concatenate([getattr(r, key) for r in per_game[p]])

    same = np.ones(4000, dtype=bool)
    for key in ("outcome", "turns", "max_rung", "score"):
        same &= cat(0, key) == cat(3, key)
    tripped = round(p0["red_lines"]["island_landing"]["trip_rate"] * 4000)
    assert 0 < tripped < 4000
    assert same.sum() >= 4000 - tripped
    assert not same.all()


def test_tally_json_round_trip_is_exact():
    spec = make().specs()[2]
    t = run_chunk(spec, 0, 700).tally
    back = tally_from_json(json.loads(json.dumps(tally_to_json(t))))
    for name in t.__attrs_attrs__:
        x, y = getattr(t, name.name), getattr(back, name.name)
        if isinstance(x, np.ndarray):
            assert x.dtype == y.dtype and np.array_equal(x, y), name.name
        elif name.name == "responses":
            assert all(np.array_equal(u, v) for u, v in zip(x, y))
        else:
            assert x == y, name.name


def test_balance_warnings():
    loaded = load_scenario(os.path.join(ROOT, TUTORIAL))
    rules = loaded.rules
    t = simulate(RunSpec(read_bytes(os.path.join(ROOT, TUTORIAL)), "tutorial.yaml", 1), 2000, 1)
    assert balance_warnings(t, rules) == []
    t.actions[rules.actions.index(next(a for a in rules.actions if a.spec.id == "missile_strike"))] = 0
    t.trip_games[:] = [0, t.games]
    t.outcomes[:] = [0, 0, t.games]
    t.turns[:] = 0
    t.turns[rules.scenario.calendar.turns] = t.games
    t.clipped_games = 3
    w = balance_warnings(t, rules)
    assert any("'missile_strike'" in x and "never chosen" in x for x in w)
    assert any("'island_landing'" in x and "never tripped" in x for x in w)
    assert any("'homeland_struck'" in x and "every game" in x for x in w)
    assert any("'war'" in x and "never reached" in x for x in w)
    assert any("'standoff'" in x and "above 95%" in x for x in w)
    assert any("turn limit" in x for x in w)
    assert any("outside [0, 1]" in x for x in w)
    assert turn_limit_share(t, rules) == 1.0


def test_games_csv_is_gzipped_above_the_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(sweep_mod, "GZIP_ROWS", 1000)
    sw = make({"enforce_p": [0.0, 1.0]}, games=600)
    (tmp_path / "games.csv").write_text("stale")
    res = run_sweep(sw, out=str(tmp_path))
    assert res["files"]["games"] == "games.csv.gz" and res["files"]["games_gzipped"]
    assert not (tmp_path / "games.csv").exists()
    with gzip.open(tmp_path / "games.csv.gz", "rt") as fh:
        rows = fh.read().splitlines()
    assert rows[0] == "point,params.enforce_p,game,outcome,turns,max_rung"
    assert len(rows) == 1 + 1200 and rows[1].startswith("0,0,0,") and rows[-1].startswith("1,1,599,")


def test_games_csv_rows_are_each_games_values_and_the_results_match_a_sweep_without_files(tmp_path, reference):
    sw = make()
    per_chunk = []
    res = run_sweep(sw, workers=2, out=str(tmp_path), on_chunk=lambda p, r: per_chunk.append((p, r)))
    assert {k: v for k, v in numbers(res).items() if k != "files"} == numbers(reference)
    ids = list(reference["points"][0]["outcome_counts"])  # the scenario's outcomes, in order
    want = ["point,params.enforce_p,params.accident_p,game,outcome,turns,max_rung"]
    points = sw.points()
    for p, r in per_chunk:
        values = ",".join(f"{points[p][a.path]:.15g}" for a in sw.axes)
        for k in range(len(r.outcome)):
            want.append(f"{p},{values},{r.start + k},{ids[r.outcome[k]]},{r.turns[k]},{r.max_rung[k]}")
    assert (tmp_path / "games.csv").read_text().splitlines() == want
    assert len(want) == 1 + 4 * 3000


def test_a_chunk_without_rows_has_the_same_tally():
    spec = make().specs()[1]
    with_rows, without = run_chunk(spec, 500, 1700), run_chunk(spec, 500, 1700, rows=False)
    assert tally_to_json(without.tally) == tally_to_json(with_rows.tally)
    assert len(with_rows.outcome) == without.tally.games == 1200 and len(without.outcome) == 0


def test_games_csv_gz_holds_the_plain_files_lines_the_same_bytes_on_any_number_of_workers(tmp_path, monkeypatch):
    sw = make({"enforce_p": [0.0, 1.0]}, games=1500)
    run_sweep(sw, out=str(tmp_path / "plain"))
    monkeypatch.setattr(sweep_mod, "GZIP_ROWS", 1000)
    run_sweep(sw, out=str(tmp_path / "one"))
    run_sweep(sw, workers=2, out=str(tmp_path / "two"))
    gz = (tmp_path / "one" / "games.csv.gz").read_bytes()
    assert gzip.decompress(gz) == (tmp_path / "plain" / "games.csv").read_bytes()
    assert (tmp_path / "two" / "games.csv.gz").read_bytes() == gz
    for name in os.listdir(tmp_path / "one" / "chunks"):
        assert (tmp_path / "two" / "chunks" / name).read_bytes() == (tmp_path / "one" / "chunks" / name).read_bytes()


# ---------------------------------------------------------------- Dask


@pytest.fixture(scope="module")
def dask_client():
    distributed = pytest.importorskip("distributed")
    # the worker processes must import `game`: they inherit the environment when they start
    before = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = ROOT + (os.pathsep + before if before else "")
    cluster = distributed.LocalCluster(
        n_workers=2, processes=True, threads_per_worker=1, dashboard_address=":0", silence_logs=40
    )
    client = distributed.Client(cluster)
    try:
        yield client
    finally:
        client.close()
        cluster.close()
        if before is None:
            os.environ.pop("PYTHONPATH", None)
        else:
            os.environ["PYTHONPATH"] = before


def test_dask_gives_identical_results(dask_client, reference):
    from game.runners.dask_runner import DaskExecutor

    assert numbers(run_sweep(make(), executor=DaskExecutor(dask_client, own=False))) == numbers(reference)


def test_dask_worker_killed_mid_sweep(dask_client):
    from game.runners.dask_runner import DaskExecutor

    sw = make({"enforce_p": [0.0, 1.0]}, games=3000, chunk=150)  # 2 points x 20 chunks
    expected = numbers(run_sweep(sw, workers=1))
    pids = dask_client.run(os.getpid)
    killed = []

    def on_chunk(point, res):
        if not killed and point == 1:  # some chunks done, many in flight or queued
            victim = sorted(pids.values())[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

    got = run_sweep(sw, executor=DaskExecutor(dask_client, own=False), on_chunk=on_chunk)
    assert killed
    assert numbers(got) == expected


# ---------------------------------------------------------------- the command, resume, report


def cli(*args, env=None, check_rc=None, **kw):
    p = subprocess.run(
        [sys.executable, "main.py", *args], capture_output=True, text=True, timeout=120, cwd=ROOT, env=env, **kw
    )
    assert "Traceback" not in p.stderr, p.stderr
    if check_rc is not None:
        assert p.returncode == check_rc, (p.returncode, p.stdout, p.stderr)
    return p


SWEEP = [
    "sweep",
    TUTORIAL,
    "--set",
    "enforce_p=0,1",
    "--set",
    "accident_p=0.05,0.3",
    "--games",
    "2000",
    "--seed",
    "3",
    "--quiet",
    "--workers",
    "2",
]
CHUNKS = 4 * 20


def test_cli_resume_after_kills_matches_uninterrupted_run(tmp_path):
    # 4 points x 20 chunks; on the numpy engine, slow enough to be killed mid-run
    env = {**os.environ, sweep_mod.CHUNK_ENV: "100", "REDLINE_ENGINE": "numpy"}
    full = tmp_path / "full"
    cli(*SWEEP, "--out", str(full), env=env, check_rc=0)
    ref = json.loads((full / "results.json").read_text())
    assert ref["run"]["computed_chunks"] == CHUNKS and ref["chunk"] == 100

    # the report
    names = sorted(os.listdir(full))
    for f in (
        "results.json",
        "games.csv",
        "report.html",
        "manifest.json",
        "escalation_fan.png",
        "red_lines.png",
        "outcomes_params_enforce_p.png",
        "outcomes_params_accident_p.png",
    ):
        assert f in names, names
    assert not [f for f in names if f.startswith(sweep_mod.TMP)]
    page = (full / "report.html").read_text()
    assert page.count("src='data:image/png;base64,") == len(ref["files"]["plots"]) == 4
    assert "<link" not in page and "<script" not in page and ref["title"] in page
    assert "Sensitivity" in page and "Balance" in page
    lines = (full / "games.csv").read_text().splitlines()
    assert lines[0] == "point,params.enforce_p,params.accident_p,game,outcome,turns,max_rung"
    assert len(lines) == 1 + 4 * 2000

    # kill it at random points, several times, then resume to the end; on a loaded machine a
    # kill can land after the last chunk (a worker writes its batch of chunks at once): then
    # the run starts again in a fresh folder, so the resume below always has chunks to compute
    part = tmp_path / "part"
    rng = random.Random(5)
    args = [*SWEEP, "--out", str(part)]
    saved = kills = attempt = 0
    while kills < 3 or saved >= CHUNKS:
        if saved >= CHUNKS:
            assert attempt < 12, "every kill landed after the last chunk"
            shutil.rmtree(part)
            saved = kills = 0
        p = subprocess.Popen(
            [sys.executable, "main.py", *args, *(["--resume"] if kills else [])],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        target = saved + rng.randint(5, 15)
        deadline = time.time() + 60
        while p.poll() is None and time.time() < deadline:
            chunk_dir = part / "chunks"
            if chunk_dir.exists() and sum(1 for f in os.listdir(chunk_dir) if f.endswith(".npz")) >= target:
                time.sleep(rng.uniform(0, 0.05))
                break
            time.sleep(0.005)
        if p.poll() is None:
            os.killpg(p.pid, signal.SIGKILL)
            kills += 1
        p.wait()
        attempt += 1
        now = sum(1 for f in os.listdir(part / "chunks") if f.endswith(".npz"))
        assert now >= saved
        saved = now
    assert kills >= 3 and saved < CHUNKS
    done = cli(*args, "--resume", env=env, check_rc=0)
    got = json.loads((part / "results.json").read_text())
    assert got["run"]["reused_chunks"] == saved > 0  # files are whole or absent
    assert got["run"]["reused_chunks"] + got["run"]["computed_chunks"] == CHUNKS
    assert numbers(got) == numbers(ref)
    assert (part / "games.csv").read_bytes() == (full / "games.csv").read_bytes()
    assert len([f for f in os.listdir(part / "chunks") if f.endswith(".npz")]) == CHUNKS
    assert "chunks reused from the saved run" in done.stdout

    # resuming a different sweep into the same folder is refused
    bad = cli(*[a if a != "2000" else "3000" for a in args], "--resume", env=env, check_rc=1)
    assert "the saved sweep is a different one" in bad.stderr and "games: saved 2000, now 3000" in bad.stderr


def run_main(capsys, *args) -> tuple[int, str, str]:
    from game.cli import main

    try:
        rc = main(list(args))
    except SystemExit as exc:  # argparse's usage errors
        rc = exc.code
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_cli_summary_json_and_exit_codes(capsys):
    rc, out, _ = run_main(capsys, "sweep", TUTORIAL, "--set", "enforce_p=0,1", "--games", "500", "--quiet")
    assert rc == 0 and "Point #0 (1 of 2): params.enforce_p=0" in out and "Sensitivity" in out
    rc, out, _ = run_main(capsys, "sweep", TUTORIAL, "--set", "enforce_p=0,1", "--games", "500", "--json")
    j = json.loads(out)
    assert rc == 0 and j["format"] == "redline-sweep/1" and len(j["points"]) == 2 and j["games"] == 500
    rc, _, err = run_main(capsys, "sweep", TUTORIAL, "--set", "enforse_p=0,1")
    assert rc == 1 and "unknown parameter" in err and "did you mean 'params.enforce_p'" in err
    rc, _, err = run_main(capsys, "sweep", TUTORIAL, "--set", "enforce_p=0,2")
    assert rc == 1 and "outside its range" in err
    assert run_main(capsys, "sweep", "no/such.yaml", "--set", "enforce_p=0,1")[0] == 1
    for bad in (
        [],
        ["--set", "enforce_p=0,x"],
        ["--set", "enforce_p=0,1", "--resume"],
        ["--set", "enforce_p=0,1", "--workers", "2", "--scheduler", "tcp://h:1"],
        ["--set", "enforce_p=0,1", "--games", "0"],
        ["--set", "enforce_p=0", "--set", "params.enforce_p=1"],
        ["--set", "enforce_p=0,1", "--policy", "nobody=hawk"],
    ):
        rc, _, err = run_main(capsys, "sweep", TUTORIAL, *bad)
        assert rc == 2 and err, bad
