"""A sweep's report: PNG plots (matplotlib, Agg) and one self-contained ``report.html``.

matplotlib is imported here only, and only when a report is written, so the headless
commands stay quick to start. The page embeds its plots as base64 ``data:`` URIs and
its CSS inline: it can be mailed or copied anywhere and opened in any browser.
"""

from __future__ import annotations

import base64
import html
import io
import os

from game.runners.tally import wilson

# Okabe-Ito: distinguishable with the common colour-vision deficiencies
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000"]
MAX_FAN_PANELS = 9
MAX_BAR_POINTS = 12
PAD = 0.3


def _plt():
    """pyplot on the Agg backend, with every text drawn as written: names come from scenario
    files, and an outcome called ``$\\foo{`` must not be parsed as math (or handed to TeX)."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    matplotlib.rcParams["text.parse_math"] = False
    matplotlib.rcParams["text.usetex"] = False
    import matplotlib.pyplot as plt

    return plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    _plt().close(fig)
    return buf.getvalue()


def _percent():
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0)


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "\u2026"


def _fmt(v) -> str:
    return f"{v:g}" if isinstance(v, float) else str(v)


def _point_label(res: dict, pt: dict, short: bool = True) -> str:
    parts = []
    for g in res["grid"]:
        name = g["path"].split(".")[-1] if short else g["path"]
        parts.append(f"{name}={_fmt(pt['values'][g['path']])}")
    return ", ".join(parts) or "defaults"


def varying_axes(res: dict) -> list[dict]:
    return [g for g in res["grid"] if len(set(g["values"])) > 1]


# ---------------------------------------------------------------- plots


def plot_outcomes_vs(res: dict, path: str) -> bytes:
    """Outcome shares against one parameter (pooled over the others), with 95% bands:
    one panel per outcome, each with its own scale, so rare outcomes show their trend too."""
    plt = _plt()
    vals = sorted(set(next(g for g in res["grid"] if g["path"] == path)["values"]))
    outcomes = list(res["names"]["outcomes"].items())
    cols = min(3, len(outcomes))
    rows = (len(outcomes) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(3.4 * cols, 2.5 * rows + 0.5), squeeze=False, sharex=True)
    for k, (oid, oname) in enumerate(outcomes):
        ax = axes[k // cols][k % cols]
        shares, lo, hi = [], [], []
        for v in vals:
            pts = [p for p in res["points"] if p["values"][path] == v]
            hits = sum(p["outcome_counts"][oid] for p in pts)
            n = sum(p["games"] for p in pts)
            a, b = wilson(hits, n)
            shares.append(hits / n if n else 0.0)
            lo.append(a)
            hi.append(b)
        c = PALETTE[k % len(PALETTE)]
        ax.plot(vals, shares, marker="o", markersize=4, color=c)
        ax.fill_between(vals, lo, hi, color=c, alpha=0.25, linewidth=0)
        ax.set_ylim(0, min(1.0, max(hi) * 1.15) or 0.01)
        ax.yaxis.set_major_formatter(_percent_auto(max(hi)))
        ax.set_title(_short(oname, 40), fontsize=9)
        ax.tick_params(labelsize=7)
        ax.grid(alpha=0.3)
        if k // cols == rows - 1 or k + cols >= len(outcomes):
            ax.set_xlabel(path, fontsize=8)
            ax.tick_params(labelbottom=True)
    for k in range(len(outcomes), rows * cols):
        axes[k // cols][k % cols].axis("off")
    others = [g["path"] for g in res["grid"] if g["path"] != path and len(set(g["values"])) > 1]
    fig.suptitle(
        f"Outcome shares against {path}"
        + (" (pooled over the other parameters)" if others else "")
        + "; bands: 95% intervals",
        fontsize=10,
    )
    fig.tight_layout()
    return _png(fig)


def _percent_auto(top: float):
    from matplotlib.ticker import PercentFormatter

    return PercentFormatter(1.0, decimals=0 if top >= 0.1 else 1 if top >= 0.05 else 2)


def plot_outcome_bars(res: dict) -> bytes:
    """Outcome shares at each point (used when no parameter takes two values)."""
    plt = _plt()
    pts = res["points"][:MAX_BAR_POINTS]
    oids = list(res["names"]["outcomes"])
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    width = 0.8 / max(len(pts), 1)
    for j, p in enumerate(pts):
        xs = [i + j * width for i in range(len(oids))]
        sh = [p["outcomes"][o] for o in oids]
        err = [
            [s - p["outcome_intervals"][o][0] for o, s in zip(oids, sh)],
            [p["outcome_intervals"][o][1] - s for o, s in zip(oids, sh)],
        ]
        ax.bar(xs, sh, width, yerr=err, color=PALETTE[j % len(PALETTE)], label=_point_label(res, p), capsize=2)
    ax.set_xticks(
        [i + 0.4 - width / 2 for i in range(len(oids))], [res["names"]["outcomes"][o] for o in oids], fontsize=8
    )
    ax.set_ylabel("share of games")
    ax.set_ylim(0, 1)
    ax.yaxis.set_major_formatter(_percent())
    ax.legend(fontsize=7)
    ax.set_title("Outcomes", fontsize=10)
    return _png(fig)


def _fan_points(res: dict) -> list[dict]:
    pts = res["points"]
    if len(pts) <= MAX_FAN_PANELS:
        return pts
    step = (len(pts) - 1) / (MAX_FAN_PANELS - 1)
    return [pts[round(i * step)] for i in range(MAX_FAN_PANELS)]


def plot_fan(res: dict) -> bytes:
    """Quantiles of the current highest rung by turn, among the games still running."""
    plt = _plt()
    pts = _fan_points(res)
    cols = min(3, len(pts))
    rows = (len(pts) + cols - 1) // cols
    fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.0 * rows), squeeze=False, sharey=True)
    from matplotlib.ticker import MaxNLocator

    rung_names = [_short(n, 34) for n in res["names"]["rungs"].values()]
    handles, labels = [], []
    for k, p in enumerate(pts):
        ax = axes[k // cols][k % cols]
        f = p["escalation_by_turn"]
        turns = [t + 1 for t, live in enumerate(f["live"]) if live]
        if not turns:
            continue

        def col(key, f=f, turns=turns):
            return [f[key][t - 1] for t in turns]

        # rungs are whole numbers: a band covering rungs a..b is drawn from a - PAD to b + PAD,
        # so a quantile range on a single rung still shows as a strip around it
        for lo, hi, alpha, label in (("q05", "q95", 0.15, "5-95% of games"), ("q25", "q75", 0.35, "25-75%")):
            ax.fill_between(
                turns,
                [v - PAD for v in col(lo)],
                [v + PAD for v in col(hi)],
                step="mid",
                color=PALETTE[0],
                alpha=alpha,
                linewidth=0,
                label=label,
            )
        ax.step(turns, col("q50"), where="mid", color=PALETTE[0], label="median")
        ax.plot(turns, col("mean"), color=PALETTE[1], linestyle="--", linewidth=1, label="mean")
        ax.step(turns, col("q99"), where="mid", color=PALETTE[3], linewidth=0.8, label="99th percentile")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        total = max(f["live"][0], 1)
        tw = ax.twinx()
        tw.plot(turns, [live / total for live in col("live")], color="0.5", linewidth=1, linestyle=":")
        tw.set_ylim(0, 1.05)
        tw.tick_params(labelsize=7, colors="0.5")
        if k % cols == cols - 1 or k == len(pts) - 1:
            tw.set_ylabel("games still running", fontsize=7, color="0.5")
        ax.set_yticks(range(len(rung_names)), rung_names, fontsize=7)
        ax.set_ylim(-0.3, len(rung_names) - 0.7)
        ax.set_xlabel("turn", fontsize=8)
        ax.set_title(_point_label(res, p), fontsize=8)
        ax.grid(alpha=0.3)
        if k == 0:
            handles, labels = ax.get_legend_handles_labels()
            handles.append(tw.get_lines()[0])
            labels.append("share of games still running (right axis)")
    for k in range(len(pts), rows * cols):
        axes[k // cols][k % cols].axis("off")
    fig.suptitle("Escalation over turns: highest rung reached so far, among the games still running", fontsize=10)
    fig.tight_layout()
    fig.legend(handles, labels, loc="lower center", ncol=6, fontsize=7, bbox_to_anchor=(0.5, -0.04), frameon=False)
    return _png(fig)


def plot_red_lines(res: dict) -> bytes:
    """Each red line's trip rate (share of games where it tripped at least once), by point:
    one row per red line, one marker per point (with its 95% interval)."""
    plt = _plt()
    rls = list(res["names"]["red_lines"])
    pts = res["points"]
    labels = [_short(f"{v['owner']}: {v['name']}", 60) for v in res["names"]["red_lines"].values()]
    if len(pts) <= MAX_BAR_POINTS:
        fig, ax = plt.subplots(figsize=(7.2, 1.4 + 0.32 * len(rls) + 0.12 * len(pts)))
        top = 0.0
        dodge = 0.7 / max(len(pts), 1)
        for j, p in enumerate(pts):
            ys = [i - 0.35 + dodge * (j + 0.5) for i in range(len(rls))]
            rate = [p["red_lines"][r]["trip_rate"] for r in rls]
            err = [
                [x - p["red_line_intervals"][r][0] for r, x in zip(rls, rate)],
                [p["red_line_intervals"][r][1] - x for r, x in zip(rls, rate)],
            ]
            ax.errorbar(
                rate,
                ys,
                xerr=err,
                fmt="os^Dv"[j // len(PALETTE) % 5],
                markersize=3.5,
                elinewidth=0.8,
                capsize=1.5,
                color=PALETTE[j % len(PALETTE)],
                label=_point_label(res, p),
            )
            top = max(top, *(p["red_line_intervals"][r][1] for r in rls))
        ax.set_yticks(range(len(rls)), labels, fontsize=7)
        ax.set_ylim(len(rls) - 0.5, -0.5)
        for i in range(len(rls) - 1):
            ax.axhline(i + 0.5, color="0.85", linewidth=0.6)
        ax.set_xlabel("share of games where the red line tripped at least once")
        ax.set_xlim(0, min(1.0, top * 1.08 + 0.01))
        ax.xaxis.set_major_formatter(_percent())
        ax.grid(axis="x", alpha=0.3)
        ax.legend(
            fontsize=7,
            loc="upper center",
            bbox_to_anchor=(0.5, -0.6 / (1.4 + 0.32 * len(rls))),
            ncol=min(3, len(pts)),
            frameon=False,
        )
    else:
        fig, ax = plt.subplots(figsize=(7.2, 4.0))
        for k, r in enumerate(rls):
            ax.plot(
                range(len(pts)),
                [p["red_lines"][r]["trip_rate"] for p in pts],
                marker=".",
                color=PALETTE[k % len(PALETTE)],
                linestyle="-" if k < len(PALETTE) else "--",
                label=labels[k],
            )
        ax.set_xlabel("point # (see the tables)")
        ax.set_ylabel("trip rate")
        ax.yaxis.set_major_formatter(_percent())
        ax.grid(alpha=0.3)
        ax.legend(fontsize=6, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    ax.set_title("Red-line trip rates (95% intervals)", fontsize=10)
    return _png(fig)


def make_plots(res: dict) -> list[tuple[str, str, bytes]]:
    """(file name, caption, PNG bytes) for every plot of the report."""
    out = []
    axes = varying_axes(res)
    for g in axes:
        name = "outcomes_" + g["path"].replace(".", "_") + ".png"
        out.append(
            (
                name,
                f"Outcome shares against {g['path']}, with 95% Wilson intervals (bands).",
                plot_outcomes_vs(res, g["path"]),
            )
        )
    if not axes:
        out.append(("outcomes.png", "Outcome shares with 95% Wilson intervals.", plot_outcome_bars(res)))
    shown = _fan_points(res)
    note = "" if len(shown) == len(res["points"]) else f" ({len(shown)} of {len(res['points'])} points shown)"
    out.append(
        (
            "escalation_fan.png",
            "Escalation over turns: quantiles (5-95%, 25-75%, median, 99th percentile) "
            "and mean of the highest rung any actor has reached so far, among the games still running that turn; "
            "the dotted grey line is the share of games still running" + note + ".",
            plot_fan(res),
        )
    )
    if res["names"]["red_lines"]:
        out.append(
            (
                "red_lines.png",
                "Share of games where each red line tripped at least once, with 95% intervals.",
                plot_red_lines(res),
            )
        )
    return out


# ---------------------------------------------------------------- the page

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:2em auto;max-width:1100px;
color:#222;line-height:1.45;padding:0 1em}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #0072B2;padding-bottom:.2em;margin-top:2em}
table{border-collapse:collapse;margin:.8em 0;font-size:.9em}th,td{border:1px solid #ccc;padding:.25em .6em;
text-align:right}th{background:#eef3f8}td.l,th.l{text-align:left}.meta td{text-align:left}
.ci{color:#777;font-size:.85em}figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #ddd}
figcaption{font-size:.85em;color:#555}.warn{background:#fff4e0;border-left:4px solid #E69F00;padding:.4em .8em;
margin:.3em 0}.ok{background:#e9f6ef;border-left:4px solid #009E73;padding:.4em .8em}.note{color:#555;
font-size:.9em}.pos{color:#b03a00}.neg{color:#005a8c}.scroll{overflow-x:auto}th{font-weight:600;font-size:.85em}
"""


def _e(x) -> str:
    return html.escape(str(x))


def _num(x: float) -> str:
    """A share in percent, with more digits for rare events (0.05% should not read 0.0%)."""
    return f"{x * 100:.1f}" if x == 0 or x >= 0.01 else f"{x * 100:.2f}" if x >= 0.001 else f"{x * 100:.3f}"


def _pct(x: float) -> str:
    return _num(x) + "%"


def render_html(res: dict, plots: list[tuple[str, str, bytes]]) -> str:
    names = res["names"]
    pts = res["points"]
    grid = res["grid"]
    run = res.get("run", {})
    h: list[str] = []
    add = h.append
    add(
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(res['title'])}: sweep report</title>"
        f"<style>{CSS}</style></head><body>"
    )
    add(f"<h1>{_e(res['title'])}</h1><p class='note'>Parameter sweep report</p>")
    pol = ", ".join(f"{_e(k)}: {_e(v)}" for k, v in res["policies"].items())
    add("<table class='meta'>")
    for k, v in [
        ("Scenario", f"{_e(res['scenario'])} ({_e(res['file'])})"),
        ("File digest (SHA-256)", f"<code>{_e(res['digest'])}</code>"),
        ("Games per point", f"{res['games']:,}"),
        ("Points", f"{len(pts)}"),
        ("Seed", f"{res['seed']} (the same games, with the same draws, at every point)"),
        ("Policies", pol),
        (
            "Run",
            f"{run.get('seconds', 0):.1f} s; {run.get('computed_chunks', 0)} chunks computed, "
            f"{run.get('reused_chunks', 0)} reused from a saved run",
        ),
    ]:
        add(f"<tr><th class='l'>{k}</th><td>{v}</td></tr>")
    add("</table>")

    add("<h2>Grid</h2><table><tr><th class='l'>parameter</th><th class='l'>values</th><th>scenario's value</th></tr>")
    for g in grid:
        d = res["defaults"].get(g["path"])
        add(
            f"<tr><td class='l'><code>{_e(g['path'])}</code></td>"
            f"<td class='l'>{_e(', '.join(_fmt(v) for v in g['values']))}</td>"
            f"<td>{_e(_fmt(d)) if d is not None else ''}</td></tr>"
        )
    add("</table>")

    def point_table(title: str, note: str, headers: list[str], cells) -> None:
        """One row per grid point: its parameter values, then ``cells(point)``."""
        add(f"<h2>{title}</h2><p class='note'>{note}</p><div class='scroll'><table><tr><th>#</th>")
        add("".join(f"<th>{_e(g['path'].split('.')[-1])}</th>" for g in grid))
        add("".join(f"<th>{h}</th>" for h in headers) + "</tr>")
        for p in pts:
            add(f"<tr><td>{p['index']}</td>" + "".join(f"<td>{_e(_fmt(p['values'][g['path']]))}</td>" for g in grid))
            add("".join(f"<td>{c}</td>" for c in cells(p)) + "</tr>")
        add("</table></div>")

    def with_interval(share: float, interval) -> str:
        return f"{_pct(share)}<br><span class='ci'>{_num(interval[0])}-{_num(interval[1])}</span>"

    point_table(
        "Outcomes",
        "Share of games, with the 95% Wilson interval below. Turns: mean, median, 95th percentile.",
        [*(_e(o) for o in names["outcomes"].values()), "turns"],
        lambda p: [
            *(with_interval(p["outcomes"][o], p["outcome_intervals"][o]) for o in names["outcomes"]),
            f"{p['turns']['mean']:.2f} / {p['turns']['p50']} / {p['turns']['p95']}",
        ],
    )
    point_table(
        "Highest rung reached",
        "Share of games by the highest rung any actor reached.",
        [_e(r) for r in names["rungs"].values()],
        lambda p: [_pct(p["max_rung"].get(r, 0.0)) for r in names["rungs"]],
    )
    if names["red_lines"]:
        point_table(
            "Red lines",
            "Share of games where the red line tripped at least once (95% interval below).",
            [f"{_e(v['owner'])}: {_e(v['name'])}" for v in names["red_lines"].values()],
            lambda p: [
                with_interval(p["red_lines"][r]["trip_rate"], p["red_line_intervals"][r]) for r in names["red_lines"]
            ],
        )

    add("<h2>Plots</h2>")
    for _name, caption, png in plots:
        b64 = base64.b64encode(png).decode("ascii")
        add(
            f"<figure><img alt='{_e(caption)}' src='data:image/png;base64,{b64}'>"
            f"<figcaption>{_e(caption)}</figcaption></figure>"
        )

    add("<h2>Sensitivity</h2>")
    if res["sensitivity"]:
        add(
            "<p class='note'>For each parameter and outcome: the outcome's share at the parameter's lowest and "
            "highest value (each averaged over the other parameters' values), the change between them, and the "
            "range (largest minus smallest share over all its values; larger than |change| when the effect is not "
            "monotone). Largest changes first. Because every point plays the same games with the same draws, "
            "these differences come from the parameter, not from noise.</p>"
        )
        add(
            "<table><tr><th class='l'>parameter</th><th class='l'>outcome</th><th>low</th><th>high</th>"
            "<th>share at low</th><th>share at high</th><th>change</th><th>range</th></tr>"
        )
        for r in res["sensitivity"]:
            cls = "pos" if r["change"] > 0 else "neg" if r["change"] < 0 else ""
            add(
                f"<tr><td class='l'><code>{_e(r['param'])}</code></td>"
                f"<td class='l'>{_e(names['outcomes'][r['outcome']])}</td>"
                f"<td>{_e(_fmt(r['low']))}</td><td>{_e(_fmt(r['high']))}</td>"
                f"<td>{_pct(r['shares'][0][1])}</td><td>{_pct(r['shares'][-1][1])}</td>"
                f"<td class='{cls}'>{r['change'] * 100:+.2f} pp</td><td>{r['range'] * 100:.2f} pp</td></tr>"
            )
        add("</table>")
    else:
        add("<p>No parameter takes two or more values: nothing to compare.</p>")

    add("<h2>Balance</h2>")
    if res["balance"]:
        add(
            "<p class='note'>Problems found by playing the scenario (the same checks as "
            "<code>python main.py lint FILE --games N</code>).</p>"
        )
        for b in res["balance"]:
            where = (
                "every point"
                if len(b["points"]) == len(pts)
                else "point" + ("s " if len(b["points"]) > 1 else " ") + ", ".join(f"#{i}" for i in b["points"])
            )
            add(f"<div class='warn'>{_e(b['warning'])} <span class='note'>({where})</span></div>")
    else:
        add("<div class='ok'>No balance problems found at any point.</div>")
    add(
        "<p class='note'>Made by <code>python main.py sweep</code>. Per-game rows: "
        f"<code>{_e(res.get('files', {}).get('games', 'games.csv'))}</code>; every number: "
        "<code>results.json</code>.</p></body></html>"
    )
    return "".join(h) + "\n"


def write_report(out: str, res: dict) -> list[str]:
    """Write the plots and ``report.html`` into ``out`` (atomically); return the plot file names."""
    from game.files import atomic_write

    plots = make_plots(res)
    for name, _caption, png in plots:
        with atomic_write(os.path.join(out, name), "wb") as fh:
            fh.write(png)
    res = {**res, "files": {**res.get("files", {}), "plots": [p[0] for p in plots]}}
    with atomic_write(os.path.join(out, "report.html")) as fh:
        fh.write(render_html(res, plots))
    return [p[0] for p in plots]
