"""`make bench`: IHP Navigator beside a minimal Rasa baseline (`rasa init`'s moodbot), in one run.

    python -m bench.run [--messages 300] [--skip-training]

Writes bench/results/<date>.json, bench/results/<date>.md (also bench/results/latest.md) and PNG charts;
a later run of the same day gets <date>b, <date>c...
Both assistants are trained, started and loaded the same way on the same machine, so its noise cancels.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import yaml

from bench.load import run_load
from bench.report import write_report
from bot.config import PROJECT_ROOT
from scripts.run import free_port, isolated_environment, load_knowledge_base, start

RESULTS = PROJECT_ROOT / "bench" / "results"
CONCURRENCY = (1, 10, 50)
RASA = str(Path(sys.executable).parent / "rasa")
BASELINE_CONVERSATIONS = [
    ["hello", "I am sad", "yes", "bye"],
    ["hi there", "I feel very good", "goodbye"],
    ["good morning", "I am unhappy", "no", "see you"],
    ["hey", "are you a bot?", "great, thanks", "bye bye"],
]


def log(text: str) -> None:
    print(f"==> {text}", flush=True)


def environment(extra: Dict[str, str] | None = None) -> Dict[str, str]:
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "RASA_TELEMETRY_ENABLED": "false"}
    env.update(extra or {})
    return env


def our_conversations() -> List[List[str]]:
    """Realistic multilingual traffic: the end-to-end scripts' messages, four turns per conversation."""
    conversations = []
    for path in sorted((PROJECT_ROOT / "tests" / "e2e" / "conversations").glob("*.yml")):
        script = yaml.safe_load(path.read_text(encoding="utf-8"))
        turns = [t["say"] for t in script["topics"]]
        conversations += [turns[i:i + 4] for i in range(0, len(turns), 4)]
    return conversations


def rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB (from /proc)."""
    children: Dict[int, List[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    total, stack = 0.0, [pid]
    while stack:
        current = stack.pop()
        stack.extend(children.get(current, []))
        try:
            for line in Path(f"/proc/{current}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) / 1024
        except OSError:
            continue
    return round(total, 1)


def first_reply_seconds(url: str, started: float, timeout: float = 300) -> float:
    """Seconds from `started` until the REST channel answers a greeting with some text."""
    body = json.dumps({"sender": f"cold-{time.time()}", "message": "hello"}).encode()
    while time.monotonic() - started < timeout:
        try:
            request = urllib.request.Request(
                f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
            )
            with urllib.request.urlopen(request, timeout=10) as response:
                replies = json.loads(response.read())
                if replies and replies[0].get("text"):
                    return time.monotonic() - started
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"no answer from {url} within {timeout} s")


def timed(command: Sequence[str], cwd: Path, env: Dict[str, str]) -> float:
    started = time.monotonic()
    subprocess.run(command, cwd=cwd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.monotonic() - started


# Baseline -------------------------------------------------------------------------------------------
def prepare_baseline(workdir: Path) -> Dict[str, float]:
    log("Baseline: `rasa init --no-prompt` (moodbot), then a timed `rasa train`")
    env = environment()
    workdir.mkdir(parents=True)
    subprocess.run([RASA, "init", "--no-prompt", "--init-dir", str(workdir)], env=env, check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.rmtree(workdir / "models", ignore_errors=True)
    seconds = timed([RASA, "train", "--fixed-model-name", "moodbot"], workdir, env)
    return {"training_s": round(seconds, 1)}


def start_baseline(workdir: Path) -> tuple:
    port = free_port()
    started = time.monotonic()
    process = subprocess.Popen(
        [RASA, "run", "--model", "models/moodbot.tar.gz", "--port", str(port), "--interface", "127.0.0.1"],
        cwd=workdir, env=environment(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    cold = first_reply_seconds(url, started)
    return process, url, cold, [process.pid]


# Ours -----------------------------------------------------------------------------------------------
def train_ours(skip: bool) -> Dict[str, float]:
    from scripts.train import model_path

    figures = {}
    if not skip:
        log("IHP Navigator: training from scratch (into a temporary folder, with an empty Rasa cache)")
        with tempfile.TemporaryDirectory() as out:
            figures["training_s"] = round(timed(
                [RASA, "train", "--config", "config.yml", "--domain", "domain.yml", "--data", "data/nlu",
                 "data/rules", "--out", out, "--fixed-model-name", "scratch"],
                PROJECT_ROOT, environment({"RASA_CACHE_DIRECTORY": str(Path(out) / "cache")}),
            ), 1)
    if not model_path().exists():
        subprocess.run(
            [sys.executable, "-m", "scripts.train"], cwd=PROJECT_ROOT, env=environment(), check=True
        )
    figures["training_cached_s"] = round(
        timed([sys.executable, "-m", "scripts.train"], PROJECT_ROOT, environment()), 1
    )
    return figures


def start_ours(var: Path) -> tuple:
    from scripts.train import model_path

    env = isolated_environment(var)
    load_knowledge_base(env)
    started = time.monotonic()
    stack = start(model_path(), env, log_dir=var)
    cold = first_reply_seconds(stack.rasa_url, started)
    return stack, stack.rasa_url, cold, [p.pid for p in stack.processes]


# Measurements ---------------------------------------------------------------------------------------
def measure_service(name: str, starter: Callable[[], tuple], conversations, messages: int) -> Dict:
    log(f"{name}: cold start, memory, load at concurrency {', '.join(map(str, CONCURRENCY))}")
    handle, url, cold, pids = starter()
    try:
        figures: Dict = {"cold_start_s": round(cold, 2), "load": []}
        for concurrency in CONCURRENCY:
            result = asyncio.run(run_load(url, conversations, concurrency, messages))
            figures["load"].append(result.summary())
            log(f"  {name} c={concurrency}: {result.summary()}")
        figures["memory_mb"] = {str(pid): rss_mb(pid) for pid in pids}
        figures["memory_total_mb"] = round(sum(figures["memory_mb"].values()), 1)
    finally:
        if hasattr(handle, "stop"):
            handle.stop()
        else:
            handle.terminate()
            handle.wait(timeout=30)
    return figures


def measure_understanding() -> Dict:
    from bench.understanding import understanding

    log("Understanding: intents, entities and language identification on the held-out data")
    return understanding()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=300, help="turns per concurrency level")
    parser.add_argument("--skip-training", action="store_true", help="do not time training from scratch")
    args = parser.parse_args()
    RESULTS.mkdir(parents=True, exist_ok=True)
    results: Dict = {"date": dt.datetime.now().isoformat(timespec="seconds"), "machine": machine()}
    with tempfile.TemporaryDirectory() as tmp:
        baseline_dir = Path(tmp) / "moodbot"
        results["baseline"] = prepare_baseline(baseline_dir)
        results["ours"] = train_ours(args.skip_training)
        results["baseline"].update(measure_service(
            "baseline", lambda: start_baseline(baseline_dir), BASELINE_CONVERSATIONS, args.messages
        ))
        var = Path(tmp) / "var"
        var.mkdir()
        results["ours"].update(measure_service(
            "IHP Navigator", lambda: start_ours(var), our_conversations(), args.messages
        ))
    results["understanding"] = measure_understanding()
    paths = write_report(results, RESULTS)
    for path in paths:
        log(f"wrote {path.relative_to(PROJECT_ROOT)}")


def machine() -> Dict[str, str]:
    return {"cpus": str(os.cpu_count()), "python": sys.version.split()[0]}


if __name__ == "__main__":
    main()
