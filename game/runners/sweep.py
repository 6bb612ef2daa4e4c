"""Parameter sweeps: a grid of parameter values, many games at each point, one report.

The grid is the product of the values given for each parameter, in the order given.
Every point runs the same games with the same seed, and the engine's draws depend only
on (seed, game, turn, draw site), so every point sees the same per-game draws (common
random numbers): differences between points come from the parameter, not from noise.

All (point, chunk) jobs go through one executor (inline, a local process pool, or a
Dask cluster), several consecutive chunks of a point to a task, with a bounded number of
chunks in flight; results are consumed in (point, chunk) order, so each point's tally is
merged in chunk order and the results are identical to the last digit however the tasks
were scheduled. A chunk's float sums (scores, objectives) are the chunk's own, added in
chunk order, so they depend on the chunk size (recorded in the manifest and the results),
never on the workers or the batching. Memory stays flat: only one tally per point is kept,
and per-game rows stream to ``games.csv`` as chunks arrive in order. The worker that
computes a chunk also formats its lines of ``games.csv`` (and gzips them, one gzip member
per chunk, when the file is gzipped) and its saved file, so the parent only writes bytes.

With an output folder, every chunk is saved as it is consumed (``DIR/chunks/``, .npz with
the per-game arrays and the tally as JSON, written to a temporary name and renamed), beside
``DIR/manifest.json``, which records each saved chunk's SHA-256 (rewritten every few seconds
and at the end). ``resume=True`` reuses the saved chunks of a matching manifest whose bytes
match their recorded hash (or, for one saved after the last manifest write, that load whole,
zip CRCs and all) and computes the others again, each with a one-line note; a damaged chunk
never stops a resume. ``results.json`` is written before any plot, so a plot that fails
cannot lose the results.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import functools
import glob
import gzip
import hashlib
import io
import itertools
import json
import os
import re
import shutil
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator

import attrs
import numpy as np

from game.datafile import DataFileError, parse_json, read_regular_file
from game.diagnostics import Diagnostic, RedlineError, ScenarioError
from game.files import TMP, atomic_write, die_with_parent
from game.runners.local import (
    CHUNK,
    ChunkResult,
    Job,
    RunSpec,
    chunks,
    compiled_rules,
    engine_name,
    ordered_results,
    run_chunk,
    warm,
)
from game.runners.tally import Tally, _quantile_from_hist, summarize, wilson

FORMAT = "redline-sweep/1"
MANIFEST_FORMAT = "redline-sweep-manifest/1"
CHUNK_FORMAT = "redline-chunk/1"
CHUNK_ENV = "REDLINE_CHUNK"
GZIP_ROWS = 2_000_000  # games.csv is gzipped above this many rows
MAX_MANIFEST_BYTES = 64_000_000
MAX_CHUNK_BYTES = 1_000_000_000
MANIFEST_EVERY_S = 5.0  # how often the chunk hashes are written to the manifest during a run
FAN_QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95, 0.99)


class GridError(ValueError):
    """A malformed grid (a usage error, not a scenario error)."""


class ResumeMismatch(RedlineError):
    """``--resume`` into a folder whose saved sweep is a different one."""


@attrs.frozen
class Axis:
    path: str
    values: tuple[float, ...]


def chunk_size() -> int:
    """The chunk size: ``REDLINE_CHUNK`` from the environment (tests only), else 16384."""
    text = os.environ.get(CHUNK_ENV, "").strip()
    if not text:
        return CHUNK
    try:
        n = int(text)
    except ValueError:
        raise GridError(f"{CHUNK_ENV}={text!r} is not a whole number") from None
    if n < 1:
        raise GridError(f"{CHUNK_ENV} must be at least 1")
    return n


def digest(source: bytes) -> str:
    return hashlib.sha256(source).hexdigest()


# ---------------------------------------------------------------- the grid


def make_axes(scn, sets: dict[str, list[float]], file: str = "--set") -> list[Axis]:
    """Check every value of every path against the scenario and normalise the paths
    (``enforce_p`` -> ``params.enforce_p``); all problems are reported at once."""
    from game.params import apply_overrides, tunables

    known = {t.path for t in tunables(scn)}
    axes: list[Axis] = []
    errors: list[Diagnostic] = []
    seen: dict[str, str] = {}
    for path, values in sets.items():
        values = list(values) if isinstance(values, list | tuple) else [values]
        if not values:
            raise GridError(f"--set {path}: no values")
        full = path if path in known else f"params.{path}" if f"params.{path}" in known else None
        if full is None:
            try:
                apply_overrides(scn, {path: values[0]}, file)
            except ScenarioError as exc:
                errors.extend(exc.diagnostics)
            continue
        if full in seen:
            raise GridError(f"--set {path}: the same parameter as --set {seen[full]}")
        seen[full] = path
        for v in values:
            try:
                apply_overrides(scn, {full: float(v)}, file)
            except ScenarioError as exc:
                errors.extend(d for d in exc.diagnostics if d not in errors)
        axes.append(Axis(full, tuple(float(v) for v in values)))
    if errors:
        raise ScenarioError(errors)
    return axes


def grid_points(axes: list[Axis]) -> list[dict[str, float]]:
    """Every combination, the first parameter varying slowest, values in the order given.

    >>> grid_points([Axis("a", (1.0, 2.0)), Axis("b", (0.0, 5.0))])
    [{'a': 1.0, 'b': 0.0}, {'a': 1.0, 'b': 5.0}, {'a': 2.0, 'b': 0.0}, {'a': 2.0, 'b': 5.0}]
    """
    return [dict(zip([a.path for a in axes], combo)) for combo in itertools.product(*[a.values for a in axes])]


# ---------------------------------------------------------------- tallies as JSON (no pickle)


def _arr(a: np.ndarray) -> dict:
    return {"dtype": a.dtype.str, "shape": list(a.shape), "data": a.ravel().tolist()}


def _unarr(d: dict) -> np.ndarray:
    return np.array(d["data"], dtype=np.dtype(d["dtype"])).reshape(d["shape"])


def tally_to_json(t: Tally) -> dict:
    """Every count of a tally as plain JSON; ``tally_from_json`` gives it back exactly."""
    out: dict = {}
    for f in attrs.fields(Tally):
        v = getattr(t, f.name)
        if isinstance(v, np.ndarray):
            out[f.name] = _arr(v)
        elif f.name == "responses":
            out[f.name] = [_arr(np.asarray(a)) for a in v]
        elif f.name == "score_hist":
            out[f.name] = [[float(k), int(c)] for k, c in v.items()]
        elif isinstance(v, bool | int | np.integer):
            out[f.name] = int(v)
        else:
            out[f.name] = float(v)
    return out


def tally_from_json(d: dict) -> Tally:
    kw: dict = {}
    for f in attrs.fields(Tally):
        v = d[f.name]
        if f.name == "responses":
            kw[f.name] = [_unarr(a) for a in v]
        elif f.name == "score_hist":
            kw[f.name] = {float(k): int(c) for k, c in v}
        elif isinstance(v, dict):
            kw[f.name] = _unarr(v)
        else:
            kw[f.name] = v
    return Tally(**kw)


# ---------------------------------------------------------------- files


def _chunk_name(point: int, start: int) -> str:
    return f"p{point:05d}-g{start:012d}.npz"


def chunk_bytes(point: int, res: ChunkResult, manifest_key: str) -> bytes:
    """One chunk's saved file: its per-game arrays and its tally (as JSON; loadable without pickle)."""
    meta = {
        "format": CHUNK_FORMAT,
        "manifest": manifest_key,
        "point": point,
        "start": res.start,
        "stop": res.start + res.tally.games,
        "tally": tally_to_json(res.tally),
    }
    buf = io.BytesIO()
    np.savez(
        buf,
        outcome=res.outcome,
        turns=res.turns,
        max_rung=res.max_rung,
        score=res.score,
        meta=np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8),
    )
    return buf.getvalue()


def write_chunk(folder: str, point: int, start: int, data: bytes) -> None:
    # no fsync: a chunk lost in a crash fails its hash (or its own checks) on resume and is computed again
    with atomic_write(os.path.join(folder, _chunk_name(point, start)), "wb", durable=False) as fh:
        fh.write(data)


def save_chunk(folder: str, point: int, res: ChunkResult, manifest_key: str) -> str:
    """Save one chunk; returns the SHA-256 of the file's bytes, for the manifest."""
    data = chunk_bytes(point, res, manifest_key)
    write_chunk(folder, point, res.start, data)
    return hashlib.sha256(data).hexdigest()


def load_chunk(
    folder: str, point: int, start: int, stop: int, manifest_key: str, sha256: str | None = None
) -> ChunkResult | None:
    """A saved chunk, or None when it is missing, damaged (its bytes do not match ``sha256``,
    or do not load whole) or from another sweep."""
    path = os.path.join(folder, _chunk_name(point, start))
    try:
        data = read_regular_file(path, MAX_CHUNK_BYTES)
        if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
            return None
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            meta = json.loads(z["meta"].tobytes())
            arrays = {k: z[k] for k in ("outcome", "turns", "max_rung", "score")}
    except (DataFileError, OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, RecursionError):
        return None
    if not isinstance(meta, dict) or (
        meta.get("format") != CHUNK_FORMAT
        or meta.get("manifest") != manifest_key
        or meta.get("point") != point
        or meta.get("start") != start
        or meta.get("stop") != stop
        or any(a.ndim != 1 or len(a) != stop - start for a in arrays.values())
    ):
        return None
    try:
        tally = tally_from_json(meta["tally"])
    except (KeyError, TypeError, ValueError, AttributeError, IndexError):
        return None
    if tally.games != stop - start:
        return None
    return ChunkResult(start, tally, **arrays)


def _manifest_key(manifest: dict) -> str:
    keep = {k: v for k, v in manifest.items() if k not in ("file", "chunks")}
    return hashlib.sha256(json.dumps(keep, sort_keys=True).encode()).hexdigest()[:24]


def _manifest_diff(old: dict, new: dict) -> list[str]:
    out = []
    for k in sorted(set(old) | set(new)):
        if k in ("file", "chunks"):
            continue
        if old.get(k) != new.get(k):
            a, b = old.get(k), new.get(k)
            if k == "digest":
                out.append("the scenario file has changed since the saved sweep")
            else:
                out.append(f"{k}: saved {json.dumps(a)}, now {json.dumps(b)}")
    return out


def _clean(folder: str, patterns: tuple[str, ...]) -> None:
    for pat in patterns:
        for f in glob.glob(os.path.join(glob.escape(folder), pat)):
            _remove(f)


# ---------------------------------------------------------------- running


@attrs.frozen
class ChunkOut:
    """What a sweep wants back from each chunk of one point: the tally always, the per-game
    arrays when ``rows`` (``on_chunk``), and with ``files`` the chunk's saved file and its lines
    of ``games.csv`` (gzipped when ``gz``), made by the worker that computed the chunk, so the
    workers format and compress in parallel and the parent only writes bytes."""

    point: int
    rows: bool
    files: bool = False
    manifest_key: str = ""
    csv_prefix: str = ""  # "point,value,...," of the point's lines
    gz: bool = False


@attrs.frozen
class ChunkFiles:
    """A chunk's saved file (and its SHA-256, for the manifest) and its lines of games.csv."""

    npz: bytes
    sha256: str
    csv: bytes


@attrs.frozen
class SweepChunk:
    result: ChunkResult
    files: ChunkFiles | None


def sweep_chunks(spec: RunSpec, bounds: tuple[tuple[int, int], ...], how: ChunkOut) -> list[SweepChunk]:
    """A sweep's task: these chunks of one point, each computed as ``run_chunk`` computes it
    alone, with what ``how`` asks for."""
    out = []
    for start, stop in bounds:
        res = run_chunk(spec, start, stop, rows=how.rows or how.files)
        files = chunk_files(spec, res, how) if how.files else None
        out.append(SweepChunk(res if how.rows else ChunkResult.tally_only(res.start, res.tally), files))
    return out


def chunk_files(spec: RunSpec, res: ChunkResult, how: ChunkOut) -> ChunkFiles:
    """The saved file and the games.csv lines of a chunk with its rows (in a worker, or in
    the parent for a chunk loaded on resume: the same bytes either way)."""
    npz = chunk_bytes(how.point, res, how.manifest_key)
    return ChunkFiles(npz, hashlib.sha256(npz).hexdigest(), csv_bytes(spec, res, how))


def csv_bytes(spec: RunSpec, res: ChunkResult, how: ChunkOut) -> bytes:
    """A chunk's lines of games.csv as the file holds them (one gzip member when ``how.gz``)."""
    ends, shape = _line_ends(spec.source, spec.name, spec.overrides)
    csv = _csv_rows(how.csv_prefix, res, ends, shape).encode()
    return _gzip_member(csv) if how.gz else csv


def _gzip_member(data: bytes) -> bytes:
    """``data`` as one gzip member; games.csv.gz is the header's member then one per chunk
    (gzip readers read the members as one stream), so workers compress their chunks in parallel."""
    return gzip.compress(data, compresslevel=5, mtime=0)


@functools.lru_cache(maxsize=64)
def _line_ends(source: bytes, name: str, overrides: tuple) -> tuple[list[str], tuple[int, int, int]]:
    """Every ending a games.csv line can have (",outcome,turns,max_rung" and the newline), by (outcome,
    turns, highest rung), made once per scenario and process."""
    scn = compiled_rules(RunSpec(source, name, 0, overrides)).scenario
    shape = (len(scn.outcomes), scn.calendar.turns + 1, len(scn.ladder.rungs) + 1)
    ends = [f",{o.id},{t},{m}\n" for o in scn.outcomes for t in range(shape[1]) for m in range(shape[2])]
    return ends, shape


def _ordered(
    tasks: list[tuple[int, int, int]],
    specs: list[RunSpec],
    todo: set[int],
    executor,
    workers: int,
    load: Callable[[int], ChunkResult],
    how: list[ChunkOut],
) -> Iterator[tuple[int, SweepChunk, bool]]:
    """Yield (task index, chunk, computed?) in task order: the saved chunks loaded (with no
    files: the caller makes them), the others computed as ``how`` of their point asks (in
    batches, a bounded number in flight; see ``ordered_results``)."""
    jobs = [Job(specs[p], s, e, how[p]) for i, (p, s, e) in enumerate(tasks) if i in todo]
    computed = ordered_results(jobs, executor, workers, sweep_chunks)
    for i in range(len(tasks)):
        if i in todo:
            yield i, next(computed), True
        else:
            yield i, SweepChunk(load(i), None), False


def _csv_rows(prefix: str, res: ChunkResult, ends: list[str], shape: tuple[int, int, int]) -> str:
    """A chunk's lines of ``games.csv``: the point's prefix, the game, then the line's end
    looked up by (outcome, turns, highest rung), instead of formatting three numbers a game."""
    codes = np.ravel_multi_index((res.outcome, res.turns, res.max_rung), shape).tolist()
    return "".join([f"{prefix}{game}{ends[c]}" for game, c in zip(range(res.start, res.start + len(codes)), codes)])


def _fan(rung_hist: np.ndarray) -> dict:
    """Quantiles of the current highest rung among the games still running, by turn."""
    out: dict = {"live": [], "mean": [], **{f"q{int(q * 100):02d}": [] for q in FAN_QUANTILES}}
    idx = np.arange(rung_hist.shape[1])
    for row in rung_hist:
        live = int(row.sum())
        out["live"].append(live)
        out["mean"].append(float((idx * row).sum() / live) if live else None)
        for q in FAN_QUANTILES:
            out[f"q{int(q * 100):02d}"].append(_quantile_from_hist(row, q) if live else None)
    return out


def sensitivity(axes: list[Axis], points: list[dict], outcome_ids: list[str]) -> list[dict]:
    """For each parameter with two or more values and each outcome: the share at each value
    (averaged over the other parameters' values), its change from the lowest to the highest
    value, and its range; largest changes first."""
    rows = []
    for axis in axes:
        vals = sorted(set(axis.values))
        if len(vals) < 2:
            continue
        for o in outcome_ids:
            by_value = []
            for v in vals:
                shares = [pt["outcomes"][o] for pt in points if pt["values"][axis.path] == v]
                by_value.append(sum(shares) / len(shares))
            rows.append(
                {
                    "param": axis.path,
                    "outcome": o,
                    "low": vals[0],
                    "high": vals[-1],
                    "shares": [[v, s] for v, s in zip(vals, by_value)],
                    "change": by_value[-1] - by_value[0],
                    "range": max(by_value) - min(by_value),
                }
            )
    rows.sort(key=lambda r: (-abs(r["change"]), -r["range"], r["param"], r["outcome"]))
    return rows


def _names(scn) -> dict:
    return {
        "outcomes": {o.id: o.name for o in scn.outcomes},
        "rungs": {"none": "no rung", **{r.id: r.name for r in scn.ladder.rungs}},
        "red_lines": {r.id: {"owner": r.owner, "name": r.name} for r in scn.red_lines},
    }


@attrs.define
class Sweep:
    """A sweep, ready to run: the scenario, the grid and the game range."""

    source: bytes
    name: str
    axes: list[Axis]
    games: int
    seed: int
    policies: tuple[tuple[str, str], ...] = ()
    chunk: int = attrs.field(factory=chunk_size)
    engine: str = "auto"  # travels in every point's RunSpec, to every worker

    def points(self) -> list[dict[str, float]]:
        return grid_points(self.axes)

    def specs(self) -> list[RunSpec]:
        return [
            RunSpec(self.source, self.name, self.seed, tuple(sorted(p.items())), self.policies, self.engine)
            for p in self.points()
        ]

    def manifest(self, scenario_id: str) -> dict:
        return {
            "format": MANIFEST_FORMAT,
            "scenario": scenario_id,
            "file": self.name,
            "digest": digest(self.source),
            "seed": self.seed,
            "games": self.games,
            "chunk": self.chunk,
            "grid": [{"path": a.path, "values": list(a.values)} for a in self.axes],
            "policies": dict(self.policies),
        }


def run_sweep(
    sw: Sweep,
    workers: int = 1,
    executor=None,
    out: str | None = None,
    resume: bool = False,
    on_games: Callable[[int], None] | None = None,
    on_chunk: Callable[[int, ChunkResult], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
) -> dict:
    """Run every (point, chunk) and return the results (what ``results.json`` holds).

    ``on_start(games_to_compute, games_reused)`` is called once before any chunk runs,
    ``on_games(n)`` after each computed chunk, ``on_chunk(point, result)`` after every
    chunk in (point, chunk) order. With ``out``, also writes the report files there.
    """
    t0 = time.perf_counter()
    points = sw.points()
    specs = sw.specs()
    scn = compiled_rules(attrs.evolve(specs[0], overrides=())).scenario
    rules_of: dict[tuple, object] = {}
    for spec in specs:
        if spec.overrides not in rules_of:
            rules_of[spec.overrides] = compiled_rules(spec)
    bounds = chunks(sw.games, sw.chunk)
    tasks = [(p, s, e) for p in range(len(points)) for s, e in bounds]
    manifest = sw.manifest(scn.meta.id)
    mkey = _manifest_key(manifest)
    todo = set(range(len(tasks)))
    out_dir = out or ""
    chunk_dir = os.path.join(out_dir, "chunks") if out_dir else ""
    notes: list[str] = []
    hashes: dict[str, str] = {}
    if out:
        todo = _prepare_out(out, chunk_dir, manifest, mkey, resume, tasks, notes, hashes)
    manifest_written = time.monotonic()

    def saved(p: int, start: int, sha256: str) -> None:
        nonlocal manifest_written
        hashes[_chunk_name(p, start)] = sha256
        if time.monotonic() - manifest_written >= MANIFEST_EVERY_S:
            _write_manifest(out_dir, manifest, hashes)
            manifest_written = time.monotonic()

    reused_games = sum(tasks[i][2] - tasks[i][1] for i in range(len(tasks)) if i not in todo)
    if on_start:
        on_start(sum(tasks[i][2] - tasks[i][1] for i in todo), reused_games)

    def load(i: int) -> ChunkResult:
        p, s, e = tasks[i]
        res = load_chunk(chunk_dir, p, s, e, mkey, hashes.get(_chunk_name(p, s)))
        if res is None:  # vanished or damaged since the scan: compute it again, here
            notes.append(f"chunk {_chunk_name(p, s)} changed after it was checked: computed again")
            res = run_chunk(specs[p], s, e)
            saved(p, s, save_chunk(chunk_dir, p, res, mkey))
        return res

    own = False
    if executor is None and workers > 1 and len(todo) > 1:
        specs = [warm(spec) for spec in specs]  # each kernel shape compiles once, here, not in every worker
        executor = cf.ProcessPoolExecutor(
            max_workers=min(workers, len(todo)), initializer=die_with_parent, initargs=(os.getpid(),)
        )
        own = True
    tallies: list[Tally | None] = [None] * len(points)
    csv_rows = len(points) * sw.games
    gz = csv_rows > GZIP_ROWS
    csv_name = "games.csv.gz" if gz else "games.csv"
    computed = computed_turns = 0
    prefixes = [",".join([str(p), *[f"{pt[a.path]:.15g}" for a in sw.axes]]) + "," for p, pt in enumerate(points)]
    how = [ChunkOut(p, bool(on_chunk), bool(out), mkey, prefixes[p], gz) for p in range(len(points))]
    try:
        with contextlib.ExitStack() as stack:
            csv_fh = None
            if out:
                csv_fh = stack.enter_context(atomic_write(os.path.join(out, csv_name), "wb"))
                header = ",".join(["point", *[a.path for a in sw.axes], "game", "outcome", "turns", "max_rung"]) + "\n"
                csv_fh.write(_gzip_member(header.encode()) if gz else header.encode())
            for i, got, fresh in _ordered(tasks, specs, todo, executor, workers, load, how):
                p, res = tasks[i][0], got.result
                if fresh:
                    computed += 1
                    computed_turns += int((np.arange(len(res.tally.turns)) * res.tally.turns).sum())
                    if got.files is not None:
                        write_chunk(chunk_dir, p, res.start, got.files.npz)
                        saved(p, res.start, got.files.sha256)
                    if on_games:
                        on_games(res.tally.games)
                before = tallies[p]
                tallies[p] = res.tally if before is None else before.merge(res.tally)
                if csv_fh is not None:
                    csv_fh.write(got.files.csv if got.files is not None else csv_bytes(specs[p], res, how[p]))
                if on_chunk:
                    on_chunk(p, res)
    finally:
        if own:
            executor.shutdown(cancel_futures=True)
    elapsed = time.perf_counter() - t0
    results = build_results(sw, scn, points, specs, rules_of, tallies)
    turns_total = sum(int((np.arange(len(t.turns)) * t.turns).sum()) for t in tallies if t is not None)
    results["run"] = {
        "seconds": round(elapsed, 3),
        "chunks": len(tasks),
        "computed_chunks": computed,
        "reused_chunks": len(tasks) - len(todo),
        "reused_games": reused_games,
        "game_turns": turns_total,
        "computed_game_turns": computed_turns,
        "game_turns_per_s": round(computed_turns / elapsed) if computed_turns else None,
        "notes": notes,
        "engine": engine_name(specs[0]) if executor is None or own else "each worker's",
    }
    if out:
        _write_manifest(out, manifest, hashes)
        results["files"] = {"results": "results.json", "games": csv_name, "games_gzipped": gz, "report": "report.html"}
        with atomic_write(os.path.join(out, "results.json")) as fh:  # before any plot: a plot cannot lose it
            fh.write(json.dumps(results, indent=1) + "\n")
        from game.runners.report import write_report

        t1 = time.perf_counter()
        results["files"]["plots"] = write_report(out, results)
        results["run"]["report_seconds"] = round(time.perf_counter() - t1, 3)
        with atomic_write(os.path.join(out, "results.json")) as fh:
            fh.write(json.dumps(results, indent=1) + "\n")
        other = os.path.join(out, "games.csv" if gz else "games.csv.gz")
        with contextlib.suppress(OSError):
            os.unlink(other)
    return results


def _write_manifest(out: str, manifest: dict, hashes: dict[str, str]) -> None:
    with atomic_write(os.path.join(out, "manifest.json")) as fh:
        fh.write(json.dumps({**manifest, "chunks": dict(sorted(hashes.items()))}, indent=1) + "\n")


def _read_manifest(path: str) -> dict | None:
    """The saved manifest, or None when there is none or it cannot be used (a new sweep starts)."""
    if not os.path.lexists(path):
        return None
    try:
        old = parse_json(read_regular_file(path, MAX_MANIFEST_BYTES))
    except DataFileError:
        return None
    if not isinstance(old, dict) or old.get("format") != MANIFEST_FORMAT:
        return None
    chunks_ = old.get("chunks", {})
    if not isinstance(chunks_, dict) or not all(isinstance(v, str) for v in chunks_.values()):
        old["chunks"] = {}
    return old


def _remove(path: str) -> None:
    """Remove what stands where a chunk belongs (a file, a link, a FIFO, or a folder of that name)."""
    with contextlib.suppress(OSError):
        if os.path.isdir(path) and not os.path.islink(path):
            shutil.rmtree(path)
        else:
            os.unlink(path)


def _prepare_out(
    out: str,
    chunk_dir: str,
    manifest: dict,
    mkey: str,
    resume: bool,
    tasks: list[tuple[int, int, int]],
    notes: list[str],
    hashes: dict[str, str],
) -> set[int]:
    """Set up ``out`` for a run; return the task indices that still need computing, and fill
    ``hashes`` with those of the saved chunks that are reused."""
    os.makedirs(chunk_dir, exist_ok=True)
    _clean(out, (TMP + "*",))
    _clean(chunk_dir, (TMP + "*",))
    mpath = os.path.join(out, "manifest.json")
    old = _read_manifest(mpath)
    todo = set(range(len(tasks)))
    if resume and old is not None:
        diff = _manifest_diff(old, manifest)
        if diff:
            raise ResumeMismatch(
                [
                    Diagnostic(
                        mpath,
                        0,
                        0,
                        "",
                        "--resume: the saved sweep is a different one ("
                        + "; ".join(diff)
                        + "); run without --resume to start over in this "
                        "folder, or choose another --out",
                    )
                ]
            )
        recorded = old["chunks"]
        damaged = []
        for i, (p, s, e) in enumerate(tasks):
            name = _chunk_name(p, s)
            if not os.path.lexists(os.path.join(chunk_dir, name)):
                continue
            if load_chunk(chunk_dir, p, s, e, mkey, recorded.get(name)) is None:
                damaged.append(name)
                _remove(os.path.join(chunk_dir, name))
                continue
            todo.discard(i)
            sha = recorded.get(name)
            if sha is None:
                sha = hashlib.sha256(read_regular_file(os.path.join(chunk_dir, name), MAX_CHUNK_BYTES)).hexdigest()
            hashes[name] = sha
        notes.append(f"resumed: {len(tasks) - len(todo)} of {len(tasks)} chunks were saved")
        if damaged:
            notes.append(
                f"{len(damaged)} saved chunk{'s' if len(damaged) > 1 else ''} damaged "
                f"({', '.join(damaged[:3])}{', ...' if len(damaged) > 3 else ''}): computed again"
            )
    else:
        if resume:
            notes.append(f"nothing to resume in {out}: started a new sweep")
        _clean(chunk_dir, ("p*-g*.npz",))
    _write_manifest(out, manifest, hashes)
    return todo


def build_results(
    sw: Sweep, scn, points: list[dict], specs: list[RunSpec], rules_of: dict, tallies: list[Tally | None]
) -> dict:
    from game.runners.balance import balance_warnings, turn_limit_share

    pts = []
    balance: dict[str, list[tuple[int, str]]] = {}
    for p, (pt, spec, t) in enumerate(zip(points, specs, tallies)):
        assert t is not None
        rules = rules_of[spec.overrides]
        s = summarize(t, rules, sw.seed)
        for k in ("scenario", "title", "seed"):
            s.pop(k, None)
        s["turn_limit_share"] = turn_limit_share(t, rules)
        s["red_line_intervals"] = {
            r.id: list(wilson(int(t.trip_games[i]), t.games)) for i, r in enumerate(rules.scenario.red_lines)
        }
        s["outcome_counts"] = {o.id: int(c) for o, c in zip(rules.scenario.outcomes, t.outcomes)}
        s["escalation_by_turn"] = _fan(t.rung_hist)
        pts.append({"index": p, "values": dict(pt), **s})
        for w in balance_warnings(s, rules):
            balance.setdefault(_PCT.sub("{}", w), []).append((p, w))
    outcome_ids = [o.id for o in scn.outcomes]
    return {
        "format": FORMAT,
        "scenario": scn.meta.id,
        "title": scn.meta.title,
        "file": sw.name,
        "digest": digest(sw.source),
        "seed": sw.seed,
        "games": sw.games,
        "chunk": sw.chunk,
        "policies": {a.id: dict(sw.policies).get(a.id, a.policy) for a in scn.actors},
        "grid": [{"path": a.path, "values": list(a.values)} for a in sw.axes],
        "defaults": _defaults(scn, sw.axes),
        "names": _names(scn),
        "turn_limit": scn.calendar.turns,
        "points": pts,
        "sensitivity": sensitivity(sw.axes, pts, outcome_ids),
        "balance": [_merge_warnings(found) for found in balance.values()],
    }


_PCT = re.compile(r"\d+(?:\.\d+)?(?:e-?\d+)?%")


def _merge_warnings(found: list[tuple[int, str]]) -> dict:
    """One balance warning for the points where it holds; shares that differ between
    the points read as a range ("66.8-73.6% of games ...")."""
    texts = [w for _p, w in found]
    out: dict = {"warning": texts[0], "points": [p for p, _w in found]}
    if len(set(texts)) > 1:
        cols = list(zip(*[_PCT.findall(w) for w in texts]))
        merged = []
        for col in cols:
            nums = sorted(float(x[:-1]) for x in col)
            merged.append(f"{nums[0]:g}%" if nums[0] == nums[-1] else f"{nums[0]:g}-{nums[-1]:g}%")
        parts = _PCT.split(texts[0])
        out["warning"] = "".join(a + b for a, b in zip(parts, [*merged, ""]))
        out["by_point"] = {str(p): w for p, w in found}
    return out


def _defaults(scn, axes: list[Axis]) -> dict:
    from game.params import tunables

    table = {t.path: t.value for t in tunables(scn)}
    return {a.path: table.get(a.path) for a in axes}
