#!/usr/bin/env python3
"""Times Helm's own engine (Helm v4.2.3 in-process, through helm-python-sdk 0.2.2) on
render cases given as JSON, for kiln's benchmark harness (`cargo run --release -p
kiln_bench`).

    helm_bench.py CASES.json ITERATIONS > TIMINGS.json

CASES.json is a list of {"id", "chart_dir", "values_files": [...], "release",
"namespace"}. Each chart is loaded once and its values are read once (outside the
timed region, like kiln's side); then the render call alone (`helm_render`: Helm's
dependency processing, values coalescing, schema validation, template parsing and
execution — what `Chart.render` calls) is timed ITERATIONS times, after one untimed
warm-up render. Decoding the
JSON result in Python is outside the timed region too.

Output: {"helm": VERSION, "cases": {id: {"seconds": [t1, ...], "error": str|null}}}.
"""

from __future__ import annotations

import json
import sys
import time

try:
    import helm_python as helm
    from helm_python import _native
except ImportError:
    sys.stderr.write("helm_bench.py: needs `pip install helm-python-sdk==0.2.2`\n")
    sys.exit(3)


def merge_maps(a: dict, b: dict) -> dict:
    """loader.MergeMaps (what `helm -f a -f b` does)."""
    out = dict(a)
    for key, value in b.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge_maps(out[key], value)
        else:
            out[key] = value
    return out


def split_yaml_stream(text: str) -> list[str]:
    """Documents of a YAML stream, cut the way Helm's LoadValues cuts them."""
    docs, cur = [], []
    for line in text.splitlines(keepends=True):
        if line.startswith("---"):
            rest = line[3:].strip()
            if rest == "" or rest.startswith("#"):
                if cur:
                    docs.append("".join(cur))
                cur = []
                continue
        cur.append(line)
    if cur:
        docs.append("".join(cur))
    return docs


def load_values(paths: list[str]) -> dict:
    values: dict = {}
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            text = fh.read()
        for doc in split_yaml_stream(text):
            values = merge_maps(values, helm.values_from_yaml(doc) or {})
    return values


def main() -> int:
    if len(sys.argv) != 3:
        sys.stderr.write(__doc__)
        return 2
    with open(sys.argv[1], encoding="utf-8") as fh:
        cases = json.load(fh)
    iterations = int(sys.argv[2])
    results: dict = {}
    for case in cases:
        times: list[float] = []
        error = None
        try:
            chart = helm.Chart.load(case["chart_dir"])
        except helm.HelmError as err:
            results[case["id"]] = {"seconds": [], "error": str(err)}
            continue
        try:
            values = json.dumps(load_values(case.get("values_files", [])))
            opts = json.dumps({"name": case["release"], "namespace": case["namespace"]})
            raw = chart._raw()
            # One warm-up render (untimed), as on kiln's side.
            _native.call_string("helm_render", raw, values, opts)
            for _ in range(iterations):
                start = time.perf_counter()
                out = _native.call_string("helm_render", raw, values, opts)
                times.append(time.perf_counter() - start)
                del out
        except helm.HelmError as err:
            error = str(err)
        finally:
            chart.close()
        results[case["id"]] = {"seconds": times, "error": error}
    json.dump({"helm": helm.helm_sdk_version(), "cases": results}, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
