"""Benchmark of the LLM tagger against the fake OpenAI server (real HTTP, real openai client).

Two modes:

* ``500`` (default): 500 tracks, 1.0 s per request + 0.5 s per track of latency, a
  500 requests/minute limit, 2% random 429s and 1% random 500s. Prints the wall time of
  a one-track-per-request sequential client (the seed web app's way; timed on a few
  tracks and extrapolated, as the output says) beside ours, tracks tagged and the most
  requests any track needed.
* ``10k``: 10,000 tracks under a 200,000 tokens/minute limit (plus the same RPM limit
  and faults); reports how close the run gets to the floor the token limit sets, and
  input tokens per track. ``--time-scale`` shrinks every latency and every limit window
  by the same factor (a "minute" lasts 60/scale s), so the job's shape is kept while the
  run takes a fraction of the time; the floor is scaled alike.

    /work/venv/bin/python bench/bench_llm.py                  # 500-track comparison
    /work/venv/bin/python bench/bench_llm.py --mode 10k       # time scale 10 by default
    /work/venv/bin/python bench/bench_llm.py --mode all
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import openai

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.fake_openai import start_fake_server  # noqa: E402
from taggenius_desktop.tagging.llm import LLMConfig, LLMTagger  # noqa: E402
from taggenius_desktop.tagging.llm.prompt import messages, user_message  # noqa: E402
from taggenius_desktop.tagging.llm.schema import response_format  # noqa: E402
from taggenius_desktop.vocabulary import load_vocabulary  # noqa: E402
from taggenius_desktop.vocabulary.profile import TrackInfo  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "fixtures" / "rekordbox"
API_KEY = "sk-bench-0000000000000000000000"


def load_tracks(count: int) -> tuple[list[TrackInfo], str]:
    """Real track metadata from the shared fixtures (realistic token counts), else synthetic."""
    tracks: list[TrackInfo] = []
    if FIXTURES.is_dir():
        from lxml import etree

        for path in sorted(FIXTURES.glob("*.xml")):
            for _, element in etree.iterparse(str(path), tag="TRACK"):
                if element.get("TrackID") and element.get("Name") is not None:
                    info = TrackInfo.from_attributes(dict(element.attrib))
                    # Unique ids and titles across files (the server counts requests per title+artist).
                    tracks.append(TrackInfo(**{**_fields(info), "track_id": str(len(tracks) + 1),
                                               "title": f"{info.title} #{len(tracks) + 1}"}))
                element.clear()
                if len(tracks) >= count:
                    return tracks, "shared rekordbox fixtures"
    while len(tracks) < count:
        n = len(tracks) + 1
        tracks.append(TrackInfo(track_id=str(n), title=f"Track {n} (Extended Mix)", artist=f"Artist {n % 97}",
                                genre=["Tech House", "Techno", "Deep House", "Drum & Bass", ""][n % 5],
                                label="Some Label", year=1995 + n % 30, bpm=118 + n % 30, key="8A",
                                duration_s=300 + n % 120))
    return tracks, "synthetic tracks" if not FIXTURES.is_dir() else "shared fixtures + synthetic"


def _fields(info: TrackInfo) -> dict:
    return info._asdict()


def sequential_baseline(tracks: list[TrackInfo], faults: dict) -> float:
    """The seed web app's way: one track per request, one at a time, a default openai client."""
    vocab = load_vocabulary()
    with start_fake_server(api_key=API_KEY, **faults) as server:
        client = openai.OpenAI(base_url=server.base_url, api_key=API_KEY)  # SDK defaults: 2 retries
        started = time.perf_counter()
        for track in tracks:
            batch = user_message([track])
            try:
                reply = client.chat.completions.create(model="gpt-4o-mini", messages=messages(vocab, False, batch),
                                                       response_format=response_format(vocab))
                json.loads(reply.choices[0].message.content or "")
            except (openai.OpenAIError, ValueError):
                pass  # the old app skipped the track
        elapsed = time.perf_counter() - started
        client.close()
    return elapsed


def run_ours(tracks: list[TrackInfo], faults: dict) -> dict:
    vocab = load_vocabulary()
    with start_fake_server(api_key=API_KEY, **faults) as server:
        tagger = LLMTagger(LLMConfig(model="gpt-4o-mini", base_url=server.base_url, api_key=API_KEY), vocab)
        results = []
        deliveries = 0

        def on_results(batch: list) -> None:
            nonlocal deliveries
            deliveries += 1
            results.extend(batch)

        started = time.perf_counter()
        tagger.tag(tracks, on_results, lambda: False)
        elapsed = time.perf_counter() - started
        per_track = server.track_requests
        return {
            "elapsed": elapsed,
            "tagged": sum(1 for r in results if r.profile is not None),
            "failed": sum(1 for r in results if r.error is not None),
            "deliveries": deliveries,
            "max_requests_per_track": max(per_track.values()) if per_track else 0,
            "extra_track_requests": sum(per_track.values()) - len(tracks),
            "error_track_requests": server.error_track_requests,
            "requests": server.request_count,
            "statuses": dict(sorted(server.status_counts.items())),
            "usage": tagger.usage,
            "tokens_charged": server.tokens_charged,
            "batch_sizes": server.batch_sizes,
            "peak_in_flight": server.max_in_flight,
            "limiter": tagger.last_limiter.stats if tagger.last_limiter else None,
        }


def print_ours(report: dict, count: int) -> None:
    usage = report["usage"]
    print(f"  ours: {report['elapsed']:.1f} s wall, {report['tagged']}/{count} tracks tagged, "
          f"{report['failed']} failed, results delivered in {report['deliveries']} batches")
    print(f"  requests: {report['requests']} {report['statuses']}, retries {usage.retries}, "
          f"batch sizes median {statistics.median(report['batch_sizes']):.0f}, peak in flight "
          f"{report['peak_in_flight']}")
    print(f"  max requests per track: {report['max_requests_per_track']}; extra track-requests "
          f"{report['extra_track_requests']} vs tracks carried by error replies {report['error_track_requests']} "
          f"({'no track was requested more than its retries needed' if report['extra_track_requests'] == report['error_track_requests'] else 'EXTRA REQUESTS BEYOND RETRIES'})")
    print(f"  tokens: {usage.input_tokens / count:.1f} input / {usage.output_tokens / count:.1f} output per track "
          f"(fake server counts characters/4), cost ${usage.cost_usd:.4f} at gpt-4o-mini prices "
          f"(${usage.cost_usd / count * 1000:.3f} per 1,000 tracks)")


def bench_500(baseline_tracks: int, seed: int) -> bool:
    faults = dict(latency_per_request=1.0, latency_per_track=0.5, rpm_limit=500,
                  error_429_fraction=0.02, error_500_fraction=0.01, seed=seed)
    tracks, origin = load_tracks(500)
    print(f"== 500 tracks ({origin}); latency 1.0 s/request + 0.5 s/track; 500 RPM; 2% 429s, 1% 500s")
    base = sequential_baseline(tracks[:baseline_tracks], faults)
    extrapolated = base / baseline_tracks * len(tracks)
    print(f"  sequential one-track-per-request baseline: {base:.1f} s for the first {baseline_tracks} tracks, "
          f"EXTRAPOLATED to {extrapolated:.0f} s ({extrapolated / 60:.1f} min) for {len(tracks)}")
    report = run_ours(tracks, faults)
    print_ours(report, len(tracks))
    ok = report["elapsed"] <= 30 and report["tagged"] == len(tracks) and \
        report["extra_track_requests"] == report["error_track_requests"]
    print(f"  speed-up {extrapolated / report['elapsed']:.0f}x; targets (<= 30 s, every track tagged, no extra "
          f"requests): {'MET' if ok else 'MISSED'}")
    return ok


def bench_10k(count: int, time_scale: float, seed: int) -> bool:
    rpm, tpm = 500, 200_000
    faults = dict(latency_per_request=1.0, latency_per_track=0.5, rpm_limit=rpm, tpm_limit=tpm,
                  error_429_fraction=0.02, error_500_fraction=0.01, time_scale=time_scale, seed=seed)
    tracks, origin = load_tracks(count)
    print(f"== {count} tracks ({origin}); {tpm:,} TPM + {rpm} RPM; latency 1.0 s/request + 0.5 s/track; "
          f"2% 429s, 1% 500s; TIME SCALE {time_scale:g} (a limit minute lasts {60 / time_scale:g} s, "
          f"latencies divided alike)")
    report = run_ours(tracks, faults)
    print_ours(report, count)
    minute = 60.0 / time_scale
    # Buckets start full, so only what exceeds one minute's allowance waits for refill.
    token_floor = max(0.0, (report["tokens_charged"] - tpm) / tpm * minute)
    request_floor = max(0.0, (report["requests"] - rpm) / rpm * minute)
    floor = max(token_floor, request_floor)
    ratio = report["elapsed"] / floor if floor else float("inf")
    stats = report["limiter"]
    print(f"  floor set by the limits: {floor:.1f} s scaled ({floor * time_scale / 60:.1f} min real) for "
          f"{report['tokens_charged']:,} tokens charged; ours {report['elapsed']:.1f} s scaled "
          f"({report['elapsed'] * time_scale / 60:.1f} min real) = {ratio:.2f}x the floor")
    if stats:
        print(f"  limiter: {stats.pauses} budget pauses, {stats.decreases} window decreases, "
              f"429s answered {report['statuses'].get(429, 0)}")
    per_track = report["usage"].input_tokens / count
    ok = ratio <= 1.3 and per_track <= 120 and report["tagged"] == count
    print(f"  targets (<= 1.3x floor, <= 120 input tokens/track, every track tagged): {'MET' if ok else 'MISSED'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("500", "10k", "all"), default="500")
    parser.add_argument("--baseline-tracks", type=int, default=20,
                        help="tracks the sequential baseline really runs (then extrapolated); default 20")
    parser.add_argument("--tracks-10k", type=int, default=10_000)
    parser.add_argument("--time-scale", type=float, default=10.0, help="10k mode only; 1 = real time (~8 min)")
    parser.add_argument("--seed", type=int, default=1, help="seed of the fake server's random faults")
    args = parser.parse_args()
    ok = True
    if args.mode in ("500", "all"):
        ok &= bench_500(args.baseline_tracks, args.seed)
    if args.mode in ("10k", "all"):
        ok &= bench_10k(args.tracks_10k, args.time_scale, args.seed)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
