"""Build, cache, verify and load compiled kernels: the I/O half of ``game.engine.compiled``.

``play(rules, seed, games, policies, engine)`` plays with the kernel, or returns None (the
caller then runs ``Batch``, which gives the same results, only slower). The generated C is
built with the system's ``cc`` into a cache folder (``REDLINE_CACHE``, else the user's cache
folder as platformdirs gives it) keyed by a hash of the source, the flags and the platform:
the first run of a scenario's shape builds (about a second); later runs, worker processes and
sweep points load it.

Bounded: a source over ``MAX_SOURCE_BYTES`` is never built (the numpy engine plays, with a
one-line note); ``cc`` runs in its own process group under a time and a memory limit and is
killed with its group on timeout, on an exception (Ctrl+C, SIGTERM, SIGHUP) and when Redline
exits; its CPU time is limited too, so a compiler orphaned by a killed Redline stops by
itself. No temporary file outlives a build.

Self-healing: beside each ``k_KEY.so`` is ``k_KEY.so.sha256``; a library is hashed before it
is loaded and checked for its entry points after; a damaged one (truncated, changed, empty,
wrong or missing hash, no entry point) is deleted and rebuilt with a one-line note, never a
crash. The cache keeps the ``KEEP`` most recently used kernels (a use touches the file).

On a cluster the parent builds and ships the library's bytes with the tasks (``binaries``);
a worker checks their hash, writes them to its own cache and never runs ``cc``.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import functools
import getpass
import glob
import hashlib
import os
import platform
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import OrderedDict
from typing import Any

import attrs
import numpy as np
import platformdirs

from game.diagnostics import RedlineError
from game.engine.compiled.kernel import ENTRY_POINTS, Kernel, KernelResult, bind, prepare, run

if os.name == "posix":
    import resource

ENGINES = ("auto", "numpy", "compiled")
# IEEE doubles exactly as numpy computes them: no fused multiply-add, no fast-math
CFLAGS = ["-O2", "-std=c99", "-shared", "-fPIC", "-ffp-contract=off", "-fno-fast-math"]
# the shipped scenarios generate 20-95 KB of C (about 1.5 s of cc); far larger sources cost
# minutes and gigabytes of cc for a run the numpy engine finishes sooner
MAX_SOURCE_BYTES = 512 * 1024
BUILD_TIMEOUT_S = 60.0
BUILD_MEMORY_BYTES = 2 << 30  # address space of each compiler process (cc1 needs ~100 MB)
KEEP = 64  # kernels kept on disk, the most recently used
STALE_TMP_S = 3600.0  # a temporary file this old belongs to a build that was killed
_LOADED_KEEP = 32  # rule sets whose kernels a process keeps loaded


class KernelUnavailable(RedlineError):
    """``--engine compiled`` was asked for and the kernel cannot play these games."""


class NoCompiler(Exception):
    """There is no C compiler that works without asking the user to install one."""


class BuildFailed(Exception):
    """The compiler failed, was too slow, or ran out of memory."""


class _Missing(Exception):
    """No kernel in the cache under that key."""


class _Damaged(Exception):
    """A cache entry that must not be loaded; the message says why."""


@attrs.frozen
class KernelBinary:
    """A built kernel shipped with a task, so the worker needs no compiler."""

    key: str
    sha256: str
    data: bytes = attrs.field(repr=False)


@attrs.frozen
class _Unusable:
    """Why the kernel cannot play these games here."""

    reason: str
    noted: bool  # said on stderr when the engine is ``auto``
    everywhere: bool  # a worker would hit it too (not only this machine's missing compiler)


def check_engine(engine: str) -> str:
    if engine not in ENGINES:
        raise ValueError(f"engine {engine!r}: use one of {', '.join(ENGINES)}")
    return engine


def note(message: str) -> None:
    """One line on stderr, once per process."""
    if message not in _noted:
        _noted.add(message)
        print(f"note: {message}", file=sys.stderr)


_noted: set[str] = set()


# ---------------------------------------------------------------------------
# the compiler


def compiler() -> str | None:
    """The C compiler (``CC``, else ``cc``), or None when there is none that works without
    asking the user to install something (macOS's ``/usr/bin/cc`` without developer tools)."""
    return _usable_compiler(os.environ.get("CC") or "cc", sys.platform, os.environ.get("PATH", ""))


def missing_compiler_message() -> str:
    name = os.environ.get("CC") or "cc"
    path = shutil.which(name)
    if path is not None and _is_xcode_shim(path):
        return f"{path} needs the Xcode command line tools (install them with: xcode-select --install)"
    return f"there is no C compiler ({name!r} is not on PATH; install one, e.g. gcc, or set CC)"


@functools.lru_cache(maxsize=8)
def _usable_compiler(name: str, system: str, search_path: str) -> str | None:
    path = shutil.which(name, path=search_path)
    if path is None:
        return None
    if system == "darwin" and _is_xcode_shim(path) and not _developer_tools():
        return None  # running the shim would pop up the install prompt
    return path


def _is_xcode_shim(path: str) -> bool:
    """On macOS every compiler in /usr/bin is a shim that needs the developer tools."""
    return sys.platform == "darwin" and os.path.dirname(path) == "/usr/bin"


def _developer_tools() -> bool:
    """``xcode-select -p`` succeeds: the developer tools are installed (it never prompts)."""
    tool = shutil.which("xcode-select")
    if tool is None:
        return False
    try:
        done = subprocess.run([tool, "-p"], capture_output=True, timeout=10, stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


# ---------------------------------------------------------------------------
# the cache folder


def cache_dir() -> str:
    """Where kernels are kept (``REDLINE_CACHE``, else the user's cache folder).

    Libraries found here are loaded and run, so the folder must be the user's own: a
    shared temporary folder is used only if this user made it and nobody else can write
    in it; otherwise a fresh private one (a build per process, but never someone else's)."""
    base = os.environ.get("REDLINE_CACHE") or platformdirs.user_cache_dir("redline", appauthor=False)
    path = os.path.join(base, "kernels")
    with contextlib.suppress(OSError):
        os.makedirs(path, mode=0o700, exist_ok=True)
        if _private(path) and os.access(path, os.W_OK):
            return path
    shared = os.path.join(tempfile.gettempdir(), f"redline-kernels-{_user_tag()}")
    with contextlib.suppress(OSError):
        os.makedirs(shared, mode=0o700, exist_ok=True)
        if _private(shared):
            return shared
    global _fresh
    if _fresh is None:
        _fresh = tempfile.mkdtemp(prefix="redline-kernels-")
    return _fresh


_fresh: str | None = None


def _user_tag() -> str:
    if hasattr(os, "getuid"):
        return str(os.getuid())
    return getpass.getuser()


def _private(path: str) -> bool:
    """Owned by this user and writable by nobody else (on Windows, a folder in the user's
    profile is private by its access list; there is no uid to compare)."""
    if not hasattr(os, "getuid"):
        return True
    st = os.stat(path)
    return st.st_uid == os.getuid() and not st.st_mode & 0o022


def cache_key(text: str) -> str:
    """The kernel's name: its source, the flags and the platform (a home folder may be shared
    by several machines; a parent and its Dask workers agree on it)."""
    key = "\n".join([text, " ".join(CFLAGS), platform.system(), platform.machine()])
    return hashlib.sha256(key.encode()).hexdigest()[:20]


def _paths(folder: str, key: str) -> tuple[str, str, str]:
    """The library, its hash file and its C source (kept to read what runs)."""
    so = os.path.join(folder, f"k_{key}.so")
    return so, so + ".sha256", os.path.join(folder, f"k_{key}.c")


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write_atomic(path: str, data: bytes) -> None:
    """Write to a temporary name beside ``path``, fsync, rename; no temporary left on failure."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=os.path.basename(path) + ".", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.remove(tmp)


def _install(so: str, data: bytes) -> None:
    _write_atomic(so + ".sha256", (_sha256(data) + "\n").encode())
    _write_atomic(so, data)


def _remove(*paths: str) -> None:
    for p in paths:
        with contextlib.suppress(FileNotFoundError):
            os.remove(p)


def _open(so: str, entry_points: tuple[str, ...]) -> ctypes.CDLL:
    """The library at ``so`` once its bytes match its hash and it exports ``entry_points``."""
    try:
        with open(so, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        raise _Missing(so) from None
    except OSError as e:
        raise _Damaged(f"it cannot be read: {e.strerror}") from None
    if not data:
        raise _Damaged("it is empty")
    try:
        with open(so + ".sha256", encoding="ascii") as f:
            want = f.read().strip()
    except (OSError, UnicodeDecodeError):
        raise _Damaged("its hash file is missing") from None
    if want != _sha256(data):
        raise _Damaged("its bytes do not match its hash")
    try:
        lib = ctypes.CDLL(so)
    except OSError as e:
        raise _Damaged(f"it cannot be loaded: {e}") from None
    missing = [name for name in entry_points if not hasattr(lib, name)]
    if missing:
        _unload(lib)
        raise _Damaged(f"it has no entry point {missing[0]}")
    return lib


def _unload(lib: ctypes.CDLL) -> None:
    """Close a library, so a rebuilt one at the same path is loaded afresh."""
    import _ctypes

    close = getattr(_ctypes, "dlclose", None) or getattr(_ctypes, "FreeLibrary", None)
    if close is not None:
        close(lib._handle)


def _open_healing(so: str, entry_points: tuple[str, ...]) -> ctypes.CDLL | None:
    """The cached library, or None when there is none or it was damaged (then deleted)."""
    try:
        lib = _open(so, entry_points)
    except _Missing:
        return None
    except _Damaged as why:
        note(f"kernel cache: {so} was damaged ({why}); rebuilding it")
        _remove(so, so + ".sha256")
        return None
    with contextlib.suppress(OSError):
        os.utime(so)  # used: the pruning keeps the most recently used
    return lib


def prune(folder: str, keep: int | None = None) -> None:
    """Keep the ``keep`` (default ``KEEP``) most recently used kernels; remove temporary files
    of builds killed long ago."""
    keep = KEEP if keep is None else keep
    newest: dict[str, float] = {}
    now = time.time()
    for path in glob.glob(os.path.join(folder, "k_*")):
        try:
            mtime = os.stat(path).st_mtime
        except FileNotFoundError:
            continue
        if path.endswith(".tmp"):
            if now - mtime > STALE_TMP_S:
                _remove(path)
            continue
        stem = os.path.basename(path).split(".", 1)[0]
        newest[stem] = max(newest.get(stem, 0.0), mtime)
    for stem in sorted(newest, key=lambda s: newest[s], reverse=True)[keep:]:
        key = stem[2:]
        _remove(*_paths(folder, key))


# ---------------------------------------------------------------------------
# building


def _build(cc: str, text: str, so: str, c_file: str) -> None:
    """Compile ``text`` into ``so`` (with its hash file); raises ``BuildFailed``."""
    _write_atomic(c_file, text.encode())
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(so), prefix=os.path.basename(so) + ".", suffix=".tmp")
    os.close(fd)
    try:
        _run_cc([cc, *CFLAGS, "-o", tmp, "-x", "c", c_file, "-lm"])
        with open(tmp, "r+b") as f:
            data = f.read()
            os.fsync(f.fileno())
        if not data:
            raise BuildFailed("the C compiler wrote an empty library")
        _write_atomic(so + ".sha256", (_sha256(data) + "\n").encode())
        os.replace(tmp, so)
    finally:
        _remove(tmp)


_running: set[subprocess.Popen] = set()
_running_lock = threading.Lock()


def _run_cc(argv: list[str]) -> None:
    """Run the compiler in its own process group, under the time and memory limits."""
    kwargs: dict[str, Any] = {}
    if os.name == "posix":
        kwargs["start_new_session"] = True
        kwargs["preexec_fn"] = functools.partial(_apply_limits, _limits())
    else:
        kwargs["creationflags"] = subprocess.CREATE_NEW_PROCESS_GROUP  # type: ignore[attr-defined]
    with _termination_as_exit():
        _wait_for_cc(argv, kwargs)


def _wait_for_cc(argv: list[str], kwargs: dict[str, Any]) -> None:
    """Run the compiler to its end, or kill it with its group; raises ``BuildFailed``."""
    try:
        proc = subprocess.Popen(
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, **kwargs
        )
    except (OSError, subprocess.SubprocessError) as e:
        raise BuildFailed(f"the C compiler could not be started: {e}") from None
    with _running_lock:
        _running.add(proc)
    try:
        _, err = proc.communicate(timeout=BUILD_TIMEOUT_S)
    except subprocess.TimeoutExpired:
        _kill(proc)
        raise BuildFailed(f"the C compiler took longer than {BUILD_TIMEOUT_S:g} s") from None
    except BaseException:
        _kill(proc)
        raise
    finally:
        with _running_lock:
            _running.discard(proc)
    if proc.returncode != 0:
        lines = [ln.strip() for ln in err.decode(errors="replace").splitlines() if ln.strip()]
        detail = lines[-1][:300] if lines else f"exit status {proc.returncode}"
        raise BuildFailed(f"the C compiler failed: {detail}")


@contextlib.contextmanager
def _termination_as_exit():
    """While the compiler runs, SIGTERM and SIGHUP (left at their default, which would end
    Redline at once) raise ``SystemExit``, so the compiler's group is killed on the way out."""
    if os.name != "posix" or threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum, frame):
        raise SystemExit(128 + signum)

    previous = {}
    for sig in (signal.SIGTERM, signal.SIGHUP):
        if signal.getsignal(sig) == signal.SIG_DFL:
            previous[sig] = signal.signal(sig, stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _limits() -> list[tuple[int, int]]:
    """(resource, limit) pairs for the compiler, within this process's hard limits."""
    pairs = []
    for res, want in ((resource.RLIMIT_AS, BUILD_MEMORY_BYTES), (resource.RLIMIT_CPU, int(BUILD_TIMEOUT_S) + 5)):
        hard = resource.getrlimit(res)[1]
        pairs.append((res, want if hard == resource.RLIM_INFINITY else min(want, hard)))
    return pairs


def _apply_limits(pairs: list[tuple[int, int]]) -> None:  # pragma: no cover - runs in the child before exec
    for res, value in pairs:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(res, (value, value))


def _kill(proc: subprocess.Popen) -> None:
    """Kill the compiler and everything it started, then reap it."""
    with contextlib.suppress(OSError):
        if os.name == "posix":
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    for pipe in (proc.stdout, proc.stderr):
        if pipe is not None:
            pipe.close()
    proc.wait()


@atexit.register
def _kill_running() -> None:
    with _running_lock:
        procs = list(_running)
    for proc in procs:
        _kill(proc)


# ---------------------------------------------------------------------------
# loading


_lock = threading.RLock()
_libraries: dict[str, ctypes.CDLL] = {}  # cache key -> the loaded library


def library(
    text: str, entry_points: tuple[str, ...] = ENTRY_POINTS, shipped: tuple[KernelBinary, ...] = ()
) -> ctypes.CDLL:
    """The library built from this C source: loaded once per process, from the cache or a
    shipped binary when they check out, else built. Raises ``NoCompiler`` or ``BuildFailed``."""
    key = cache_key(text)
    with _lock:
        lib = _libraries.get(key)
        if lib is not None:
            return lib
        folder = cache_dir()
        so, _, c_file = _paths(folder, key)
        lib = _open_healing(so, entry_points)
        blob = next((b for b in shipped if b.key == key), None)
        if lib is None and blob is not None:
            if _sha256(blob.data) == blob.sha256:
                _install(so, blob.data)
                lib = _open_healing(so, entry_points)
            else:
                note("a kernel shipped with the task failed its hash check; not using it")
        if lib is None:
            cc = compiler()
            if cc is None:
                raise NoCompiler(missing_compiler_message())
            _build(cc, text, so, c_file)
            try:
                lib = _open(so, entry_points)
            except (_Missing, _Damaged) as why:
                _remove(so, so + ".sha256")
                raise BuildFailed(f"the library just built is unusable ({why})") from None
            prune(folder)
        _libraries[key] = lib
        return lib


# (id of the rules, policies) -> (the rules, kept alive so the id is not reused; the kernel or
# why there is none), the most recently used last
_loaded: OrderedDict[tuple, tuple[object, Kernel | _Unusable]] = OrderedDict()


def _kernel(rules, policies: list, shipped: tuple[KernelBinary, ...] = ()) -> Kernel | _Unusable:
    key = (id(rules), tuple(type(p).__name__ + ":" + p.name for p in policies))
    with _lock:
        if key in _loaded:
            _loaded.move_to_end(key)
            return _loaded[key][1]
        k = _make(rules, policies, shipped)
        _loaded[key] = (rules, k)
        while len(_loaded) > _LOADED_KEEP:
            _loaded.popitem(last=False)
        return k


def _make(rules, policies: list, shipped: tuple[KernelBinary, ...]) -> Kernel | _Unusable:
    prepared = prepare(rules, policies)
    if prepared is None:
        return _Unusable("these policies run only on the batch engine", noted=False, everywhere=True)
    size = len(prepared.source.text.encode())
    if size > MAX_SOURCE_BYTES:
        return _Unusable(
            f"rules too large for the compiled engine ({-(-size // 1024)} KB of C > {MAX_SOURCE_BYTES // 1024} KB)",
            noted=True,
            everywhere=True,
        )
    try:
        lib = library(prepared.source.text, ENTRY_POINTS, shipped)
    except NoCompiler as e:
        return _Unusable(str(e), noted=False, everywhere=False)
    except BuildFailed as e:
        return _Unusable(f"the compiled kernel could not be built ({e})", noted=True, everywhere=True)
    return bind(prepared, lib)


def kernel(rules, policies: list, engine: str = "auto", shipped: tuple[KernelBinary, ...] = ()) -> Kernel | None:
    """The kernel that plays these games with this engine choice, or None (play ``Batch``).
    With ``compiled``, a kernel that cannot be had is a ``KernelUnavailable`` error; with
    ``auto``, a reason worth knowing is one line on stderr."""
    if check_engine(engine) == "numpy":
        return None
    k = _kernel(rules, policies, shipped)
    if isinstance(k, Kernel):
        return k
    if engine == "compiled":
        raise KernelUnavailable(f"--engine compiled: {k.reason}")
    if k.noted:
        note(f"{k.reason}; using the numpy engine")
    return None


def play(
    rules, seed: int, games: np.ndarray, policies: list, engine: str = "auto", shipped: tuple[KernelBinary, ...] = ()
) -> KernelResult | None:
    """Play ``games`` to the end with the kernel, or return None (use ``Batch``)."""
    k = kernel(rules, policies, engine, shipped)
    return None if k is None else run(k, seed, games)


def engine_for_workers(rules, policies: list, engine: str) -> str:
    """Build (or load) the kernel here, before workers start, and give the engine their specs
    should carry: ``numpy`` when the kernel failed here for a reason they would meet too (so
    they neither try again nor repeat the note), else ``engine`` unchanged."""
    if kernel(rules, policies, engine) is not None:
        return engine
    k = _kernel(rules, policies) if engine != "numpy" else None
    return "numpy" if isinstance(k, _Unusable) and k.everywhere else engine


def binaries(rules, policies: list) -> tuple[KernelBinary, ...]:
    """The kernel built here for these rules, as bytes to ship with tasks (empty if none)."""
    k = _kernel(rules, policies)
    if not isinstance(k, Kernel):
        return ()
    key = cache_key(k.prepared.source.text)
    so = _paths(cache_dir(), key)[0]
    try:
        with open(so, "rb") as f:
            data = f.read()
        with open(so + ".sha256", encoding="ascii") as f:
            want = f.read().strip()
    except (OSError, UnicodeDecodeError):
        return ()
    if not data or _sha256(data) != want:
        return ()
    return (KernelBinary(key, want, data),)
