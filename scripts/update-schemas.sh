#!/usr/bin/env bash
# Regenerate schemas/k8s/: the Kubernetes JSON Schemas kiln validates rendered objects
# against, vendored from the PyPI package `kubernetes-validate` (Apache-2.0, derived from
# instrumenta/kubernetes-json-schema and openapi2jsonschema).
#
#   scripts/update-schemas.sh                 # default package version and minors
#   scripts/update-schemas.sh 1.37.0 31 36    # package version, then the minors to vendor
#
# Run by maintainers when a new Kubernetes minor matters, never at build time: kiln reads
# what is committed under schemas/ (embedded into the binary by crates/kiln_check/build.rs)
# and never fetches a schema at run time.
#
# What it does:
#   1. `pip download --no-deps kubernetes-validate==VERSION` into a temporary directory;
#   2. unzips the wheel and copies `kubernetes-json-schema/v1.N.0-local-strict/` (the
#      strict variant: `additionalProperties: false` on every object, draft 2020-12, $refs
#      into `_definitions.json`) to `schemas/k8s/v1.N/`, for each minor N;
#   3. records the package version, the wheel's sha256 and the minors in
#      `schemas/k8s/VERSION`, and the package's licence in
#      `schemas/LICENSES/kubernetes-validate.txt`.
#
# The CRD schemas under schemas/crds/ are not made here: see schemas/README.md.
#
# Environment:
#   PYTHON   Python with pip (default: python3)
set -euo pipefail

version=${1:-1.37.0}
shift || true
minors=("$@")
if [[ ${#minors[@]} -eq 0 ]]; then
    # 31: the example and the real monorepos' clusters (OpenShift 4.18); 36: Helm v4's
    # default Kubernetes version (`helm template` without --kube-version).
    minors=(31 36)
fi

root=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
cd "$root"
python=${PYTHON:-python3}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

"$python" -m pip download --quiet --no-deps --only-binary=:all: \
    "kubernetes-validate==$version" -d "$tmp/dl"
wheel=$(ls "$tmp"/dl/kubernetes_validate-"$version"-*.whl)
sha=$(sha256sum "$wheel" | cut -d' ' -f1)
"$python" -m zipfile -e "$wheel" "$tmp/whl"
src="$tmp/whl/kubernetes_validate/kubernetes-json-schema"

for n in "${minors[@]}"; do
    [[ -d "$src/v1.$n.0-local-strict" ]] || {
        echo "update-schemas.sh: kubernetes-validate $version has no v1.$n.0-local-strict" >&2
        echo "  it has: $(ls "$src" | grep -- -strict | tr '\n' ' ')" >&2
        exit 1
    }
done

rm -rf schemas/k8s
mkdir -p schemas/k8s schemas/LICENSES
for n in "${minors[@]}"; do
    cp -R "$src/v1.$n.0-local-strict" "schemas/k8s/v1.$n"
    # all.json is a oneOf over every kind, which kiln does not use.
    rm -f "schemas/k8s/v1.$n/all.json"
done

license=
for f in "$tmp"/whl/kubernetes_validate-"$version".dist-info/{licenses/,}LICENSE*; do
    [[ -f $f ]] && { license=$f; break; }
done
[[ -n $license ]] || { echo "update-schemas.sh: no LICENSE in the wheel" >&2; exit 1; }
{
    echo "kubernetes-validate $version (PyPI), https://github.com/willthames/kubernetes-validate"
    echo "Vendored by kiln into schemas/k8s/ (the v1.N.0-local-strict schema directories)."
    echo
    cat "$license"
} > schemas/LICENSES/kubernetes-validate.txt

{
    echo "# Written by scripts/update-schemas.sh; do not edit."
    echo "package = \"kubernetes-validate\""
    echo "version = \"$version\""
    echo "wheel = \"$(basename "$wheel")\""
    echo "sha256 = \"$sha\""
    echo "minors = [$(printf '"v1.%s", ' "${minors[@]}" | sed 's/, $//')]"
    echo "source-dirs = [$(printf '"v1.%s.0-local-strict", ' "${minors[@]}" | sed 's/, $//')]"
} > schemas/k8s/VERSION

du -sh schemas/k8s/v1.* | sed 's/^/update-schemas.sh: /'
echo "update-schemas.sh: kubernetes-validate $version ($sha), minors: ${minors[*]}"
