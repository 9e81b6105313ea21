"""Hostile uploads (issue 11): five small PNGs of large resolution in one anonymous
complaint, alone and four at once. Prints wall time and the process's peak memory.

    .venv/bin/python bench/upload_bench.py [--side 6300] [--parallel 4]

Each case runs in a fresh process on a throw-away SQLite data folder with the demo city
(so peak memory is that case's alone). Bounded: one request per thread.
"""

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import threading
import time


def png(side: int, shade: int) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (side, side), (shade, 120, 160)).save(out, "PNG", optimize=True)
    return out.getvalue()


def case(side: int, parallel: int) -> dict:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "aduan.settings")
    import django

    django.setup()
    from django.test import Client

    from aduan.complaints.demo import load_demo
    from aduan.dbsetup import ensure_migrated

    ensure_migrated()
    load_demo()
    photos = [png(side, 40 * i) for i in range(5)]
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    statuses = []

    def post(n: int):
        from django.core.files.uploadedfile import SimpleUploadedFile

        files = [SimpleUploadedFile(f"p{i}.png", data, "image/png")
                 for i, data in enumerate(photos)]
        response = Client(REMOTE_ADDR=f"10.0.0.{n + 1}").post("/aduan/baru/", {
            "text": "Jalan berlubang besar di depan pasar", "contact": f"08123456{n:04d}",
            "photos": files})
        statuses.append(response.status_code)

    start = time.perf_counter()
    threads = [threading.Thread(target=post, args=(n,)) for n in range(parallel)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    elapsed = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {"side": side, "parallel": parallel, "seconds": round(elapsed, 2),
            "peak_rss_mb": round(peak / 1024), "rss_before_mb": round(base_rss / 1024),
            "png_kb_each": round(len(photos[0]) / 1024), "statuses": statuses}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--side", type=int, default=6300)
    parser.add_argument("--parallel", type=int, default=0)
    args = parser.parse_args()
    if args.parallel:
        print(json.dumps(case(args.side, args.parallel)))
        return
    for parallel in (1, 4):
        with tempfile.TemporaryDirectory() as data:
            env = {**os.environ, "ADUAN_DATA_DIR": data, "ADUAN_TASKS": "immediate"}
            env.pop("DATABASE_URL", None)
            out = subprocess.run([sys.executable, __file__, "--side", str(args.side),
                                  "--parallel", str(parallel)], env=env, capture_output=True,
                                 text=True, timeout=900)
            print(out.stdout.strip().splitlines()[-1] if out.stdout.strip() else out.stderr[-2000:])


if __name__ == "__main__":
    main()
