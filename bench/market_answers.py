"""`sync markets`' bounded reads (issue 26 §8): peak memory of a market source's client
refusing a huge answer, and the time a dribbling server is allowed.

A stand-in on 127.0.0.1 (a process of its own) serves a Kalshi-shaped page of `--mb` MB,
generated as it is sent: once with Content-Length, once streamed without it; and a small
page one byte every `--dribble-s` seconds. Each client runs in a fresh interpreter that
makes one `JsonSource.get` (cfbops' code, default limits) and reports its peak RSS above
its baseline after imports, the seconds taken and the outcome. With `--old`, the same
huge page read the way the code did before (whole, then json) beside it.

    python bench/market_answers.py [--mb 200] [--dribble-s 5] [--old]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

SERVER = r"""
import json, sys, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MB = int(sys.argv[1]); DRIBBLE = float(sys.argv[2])
MARKET = json.dumps({"ticker": "KXNFLFIRSTTD-25SEP05KCLAC-PLAYER", "event_ticker":
    "KXNFLFIRSTTD-25SEP05KCLAC", "yes_sub_title": "A Player", "status": "active",
    "result": "", "yes_bid_dollars": "0.1200", "yes_ask_dollars": "0.1400",
    "last_price_dollars": "0.1300", "volume_fp": "1500.00"}).encode()
COUNT = MB * 1024 * 1024 // (len(MARKET) + 1)
HEAD, TAIL = b'{"cursor": "", "markets": [', b"]}"
SIZE = len(HEAD) + COUNT * (len(MARKET) + 1) - 1 + len(TAIL)

class Handler(BaseHTTPRequestHandler):
    def do_GET(self):
        if "dribble" in self.path:
            body = b'{"cursor": "", "markets": []}'
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                             + f"Content-Length: {len(body)}\r\n\r\n".encode())
            for byte in body:
                self.wfile.write(bytes([byte])); self.wfile.flush(); time.sleep(DRIBBLE)
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        if "declared" in self.path:
            self.send_header("Content-Length", str(SIZE))
        self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(HEAD)
            chunk = b",".join([MARKET] * 1000)
            left = COUNT
            while left:
                n = min(1000, left)
                self.wfile.write(chunk if n == 1000 else b",".join([MARKET] * n))
                left -= n
                if left:
                    self.wfile.write(b",")
            self.wfile.write(TAIL)
        except (BrokenPipeError, ConnectionResetError):
            pass
    def log_message(self, *a): pass

server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
"""

CLIENT = r"""
import json, resource, sys, time
import httpx
from cfbops.nfl.markets.http import JsonSource, MarketSourceFailed

url, path, old = sys.argv[1], sys.argv[2], sys.argv[3] == "old"
base = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    if old:  # before: the whole answer read, then decoded
        body = httpx.get(url + "/" + path, timeout=20.0).json()
        outcome = f"read {len(body['markets']):,} markets"
    else:
        with JsonSource("Kalshi", url, sleep=lambda s: None) as source:
            body = source.get(path, {})
        outcome = f"read {len(body['markets']):,} markets"
except MarketSourceFailed as exc:
    outcome = "refused: " + str(exc).split(" for /")[0].removeprefix("Kalshi ")
seconds = time.perf_counter() - started
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"peak_mb": (peak - base) / 1024, "seconds": seconds, "outcome": outcome}))
"""


def run_client(url: str, path: str, old: bool = False) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, url, path, "old" if old else "new"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="size of the huge page (200)")
    parser.add_argument("--dribble-s", type=float, default=5.0, help="seconds per byte (5)")
    parser.add_argument("--old", action="store_true", help="also read the page as before")
    args = parser.parse_args()

    server = subprocess.Popen(
        [sys.executable, "-c", SERVER, str(args.mb), str(args.dribble_s)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{server.stdout.readline().strip()}"
        print(f"cpus {os.cpu_count()}, load {os.getloadavg()[0]:.1f}, page {args.mb} MB")
        cases = [
            (f"{args.mb} MB page, Content-Length given", "declared", False),
            (f"{args.mb} MB page, streamed without a length", "streamed", False),
            (f"1 small page, a byte every {args.dribble_s:g} s", "dribble", False),
        ]
        if args.old:
            cases.append((f"{args.mb} MB page, read whole as before", "declared", True))
        print(f"{'case':46} {'peak MB':>8} {'seconds':>8}  outcome")
        for label, path, old in cases:
            started = time.perf_counter()
            figures = run_client(url, path, old)
            figures.setdefault("seconds", time.perf_counter() - started)
            print(
                f"{label:46} {figures['peak_mb']:8.1f} {figures['seconds']:8.1f}  "
                f"{textwrap.shorten(figures['outcome'], 70)}"
            )
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
