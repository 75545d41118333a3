"""How fast the dashboard's API answers with a large index: p50 / p95 per HTTP query.

Loads ``--flows`` flows into a SQLite index exactly as ``benchmarks.exporter`` does (or
reuses ``--path`` if it already holds them), starts the real gateway on that file (with
the embedded broker for its registry, and the benchmark's blueprints deployed), and times
the requests the dashboard's pages make, over HTTP on loopback, one at a time.

    python -m benchmarks.dashboard [--flows 1000000] [--path FILE] [--times 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import aiohttp

from benchmarks.exporter import BLUEPRINTS, DAY, load
from sfc.broker import EmbeddedBroker
from sfc.gateway import create_app, open_services, start_server
from sfc.index.sqlite import SqliteIndexStore
from sfc.settings import Settings

TARGET_MS = 100.0
"""The p95 the dashboard's queries must stay under."""

TWO_TASKS = {
    "StartAt": "Reserve",
    "States": {
        "Reserve": {"Type": "Task", "Resource": "task:reserve", "Next": "Charge"},
        "Charge": {"Type": "Task", "Resource": "task:charge", "End": True},
    },
}

MakePath = Callable[[], str]


async def ensure_loaded(path: Path, count: int) -> float:
    """Load ``count`` flows into ``path`` unless it holds them; the data's start time."""
    store = SqliteIndexStore(path)
    await store.open()
    try:
        first = await store.get_flow("f00000000")
        if first is not None and await store.get_flow(f"f{count - 1:08d}") is not None:
            print(f"reusing {count:,} flows in {path}")
            return float(first.started_at or 0.0)
        start = time.time() - DAY
        began = time.perf_counter()
        events, _ = await load(store, count, 2_000, start)
        took = time.perf_counter() - began
        print(f"loaded {count:,} flows ({events:,} events) in {took:.0f} s")
        return start
    finally:
        await store.close()


def requests(count: int, start: float, second_page: str) -> list[tuple[str, MakePath]]:
    """Each dashboard request: a name and a path maker (random arguments per call)."""
    rng = random.Random(7)

    def flow() -> str:
        return f"f{rng.randrange(count):08d}"

    def blueprint() -> str:
        return rng.choice(BLUEPRINTS)

    def hour() -> str:
        at = start + rng.uniform(0, DAY - 3600)
        return f"from={at:.0f}&to={at + 3600:.0f}"

    api = "/api/v1"
    return [
        ("Blueprints: registry list", lambda: f"{api}/blueprints"),
        ("Blueprints: stats, all, 24 h", lambda: f"{api}/stats"),
        ("Blueprint: stats + states", lambda: f"{api}/blueprints/{blueprint()}/stats"),
        ("Blueprint: version graph", lambda: f"{api}/blueprints/{blueprint()}/versions/1/graph"),
        ("Flows: newest page", lambda: f"{api}/flows"),
        ("Flows: next page (cursor)", lambda: f"{api}/flows?blueprint=orders&cursor={second_page}"),
        ("Flows: blueprint", lambda: f"{api}/flows?blueprint={blueprint()}"),
        (
            "Flows: blueprint+version+FAILED",
            lambda: f"{api}/flows?blueprint={blueprint()}&version=1&status=FAILED",
        ),
        ("Flows: RUNNING", lambda: f"{api}/flows?status=RUNNING"),
        ("Flows: any failure", lambda: f"{api}/flows?status=FAILED,TIMED_OUT,ABORTED"),
        ("Flows: newest ended", lambda: f"{api}/flows?sort=-endedAt"),
        ("Flows: 1 h window", lambda: f"{api}/flows?{hour()}"),
        ("Flows: correlation id", lambda: f"{api}/flows?correlationId=k{rng.randrange(50_000)}"),
        ("Flows: text, rare (order id)", lambda: f"{api}/flows?q=A-{rng.randrange(count)}"),
        ("Flows: text, 5 % match", lambda: f"{api}/flows?q=declined"),
        ("Flows: text, in every flow", lambda: f"{api}/flows?q=orderId"),
        # The worst case: a common word that no flow of the blueprint holds.
        ("Flows: text, 5 %, none in blueprint", lambda: f"{api}/flows?q=declined&blueprint=orders"),
        ("Flow: record", lambda: f"{api}/flows/{flow()}"),
        ("Flow: steps", lambda: f"{api}/flows/{flow()}/steps"),
        ("Flow: graph with marks", lambda: f"{api}/flows/{flow()}/graph"),
        ("Dashboard page", lambda: "/"),
    ]


async def time_requests(base: str, count: int, start: float, times: int) -> bool:
    """Time every request; print a table; whether every p95 is under the target."""
    async with aiohttp.ClientSession(base) as session:
        first = await (await session.get("/api/v1/flows?blueprint=orders")).json()
        ok = True
        print(f"HTTP latency over {times} requests each (ms), target p95 < {TARGET_MS:.0f}:")
        for name, path in requests(count, start, first["next"]):
            taken = []
            for _ in range(times):
                began = time.perf_counter()
                async with session.get(path()) as response:
                    await response.read()
                    assert response.status == 200, (path(), response.status)
                taken.append((time.perf_counter() - began) * 1000)
            taken.sort()
            p50, p95 = statistics.median(taken), taken[int(0.95 * (len(taken) - 1))]
            ok &= p95 < TARGET_MS
            flag = "" if p95 < TARGET_MS else "  OVER"
            print(f"  {name:<34} p50 {p50:7.2f}   p95 {p95:7.2f}{flag}")
        return ok


async def main(count: int, path: Path, times: int) -> bool:
    start = await ensure_loaded(path, count)
    with EmbeddedBroker() as broker:
        settings = Settings.model_validate(
            {
                "kafka": {"bootstrap_servers": broker.bootstrap_servers},
                "monitor": {"sqlite_path": str(path)},
            }
        )
        async with open_services(settings) as services:
            for name in BLUEPRINTS:  # the flows run versions 1 and 2
                for _ in range(2):
                    await services.registry.deploy(name, TWO_TASKS)
            server = await start_server(create_app(services), "127.0.0.1", 0)
            try:
                return await time_requests(server.url, count, start, times)
            finally:
                await server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--flows", type=int, default=100_000)
    parser.add_argument("--times", type=int, default=200, help="requests per query timed")
    parser.add_argument("--path", type=Path, help="the SQLite file (kept; reused if loaded)")
    args = parser.parse_args()
    if args.path is not None:
        passed = asyncio.run(main(args.flows, args.path, args.times))
    else:
        with tempfile.TemporaryDirectory(prefix="sfc-bench-") as folder:
            passed = asyncio.run(main(args.flows, Path(folder) / "index.sqlite3", args.times))
    raise SystemExit(0 if passed else 1)
