#!/usr/bin/env bash
# Regenerate golden/: what Argo CD would deploy to each cluster of kiln.toml,
# rendered by the real-Helm reference implementation (fleet-oracle).
#
#   scripts/golden.sh            # from anywhere inside the repository
#
# One oracle run per cluster, with that cluster's root Application,
# kube-version, api-versions and the repo-urls of kiln.toml. Output:
#   golden/<cluster>/<app>/manifest.yaml   rendered objects, helm template order
#   golden/<cluster>/fleet.json            applications, ApplicationSets, objects
#
# Environment:
#   FLEET_ORACLE  path of fleet-oracle (default: on PATH, else ../shared/oracle/fleet-oracle)
#   PYTHON        Python with helm-python-sdk 0.2.x and pyyaml (default: python3)
set -euo pipefail

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$root"

python=${PYTHON:-python3}
oracle=${FLEET_ORACLE:-$(command -v fleet-oracle || echo "$root/../shared/oracle/fleet-oracle")}
[[ -f $oracle ]] || { echo "golden.sh: fleet-oracle not found (set FLEET_ORACLE)" >&2; exit 2; }

# kiln.toml -> one line per cluster: name <TAB> root <TAB> kube-version <TAB> api-versions <TAB> repo-urls
clusters=$("$python" - <<'EOF'
import sys, tomllib
with open("kiln.toml", "rb") as f:
    cfg = tomllib.load(f)
urls = ",".join(cfg.get("repo-urls", []))
for name, c in cfg.get("clusters", {}).items():
    roots = c.get("roots", [])
    if len(roots) != 1:
        sys.exit(f"kiln.toml: cluster {name}: fleet-oracle takes exactly one root, found {len(roots)}")
    print("\t".join([name, roots[0], c.get("kube-version", "1.31.0"),
                     ",".join(c.get("api-versions", [])), urls]))
EOF
)

# The oracle renders a copy of the files git would see (tracked and new, not
# ignored) in a directory named "kiln": fleet.json records the basename of the
# monorepo directory, which must not depend on where this checkout lives.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/kiln"
git ls-files -z --cached --others --exclude-standard -- . ':!golden' |
    while IFS= read -r -d '' f; do if [[ -f $f ]]; then printf '%s\0' "$f"; fi; done |
    tar --null -T - -cf - | tar -xf - -C "$tmp/kiln"

# golden/scaffold/ holds the `kiln new` goldens (tests/new.rs): kept.
mkdir -p golden
find golden -mindepth 1 -maxdepth 1 ! -name scaffold -exec rm -rf {} +
status=0
while IFS=$'\t' read -r name rootapp kube apis urls; do
    args=("$tmp/kiln" --root "$tmp/kiln/$rootapp" --cluster-name "$name" --kube-version "$kube" --out golden)
    [[ -n $apis ]] && args+=(--api-versions "$apis")
    IFS=, read -ra repo_urls <<<"$urls"
    for url in "${repo_urls[@]}"; do args+=(--repo-url "$url"); done
    "$python" "$oracle" "${args[@]}" || status=$?
    # Chart errors do not fail the oracle; they must fail the golden run.
    "$python" - "golden/$name/fleet.json" <<'EOF' || status=1
import json, sys
fleet = json.load(open(sys.argv[1]))
s = fleet["summary"]
if s["errored"] or s["applicationSetErrors"]:
    sys.exit(f"{fleet['cluster']}: {s['errored']} errored apps, {s['applicationSetErrors']} ApplicationSet errors")
EOF
done <<<"$clusters"
exit $status
