#!/usr/bin/env bash
# Runs schemathesis (property-based API tests) against a running stadtdaten API and exits
# non-zero on any finding. It starts no server: start the platform first, then
#
#   tools/schemathesis/run.sh http://127.0.0.1:8080 [TOKEN]
#
# TOKEN is sent as "Authorization: Bearer TOKEN"; without it every request is anonymous.
# The first run creates a virtual environment under var/ and installs schemathesis there.
#
# Settings (environment variables):
#   SCHEMATHESIS_MAX_EXAMPLES  test cases per API operation and phase (default 25)
#   SCHEMATHESIS_MAX_SECONDS   wall-clock limit of the whole run in seconds (default 180)
#   SCHEMATHESIS_CHECKS        comma-separated checks (default: see CHECKS below)
#   SCHEMATHESIS_REPORT_DIR    folder for the JUnit report (default var/schemathesis-report)
#   SCHEMATHESIS_SEED          random seed, to repeat a run
#   SCHEMATHESIS_ALLOW_REMOTE  set to 1 to test a host other than this machine
#   SCHEMATHESIS_PYTHON        Python for the virtual environment (default: the newest of 3.13, 3.12, python3)
#   SCHEMATHESIS_CONFIG        schemathesis.toml to read, e.g. with known ids of the API under test
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5
CHECKS=not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance

root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/var/schemathesis-venv"
base_url=${1:?usage: tools/schemathesis/run.sh BASE_URL [TOKEN]}
token=${2:-}
base_url=${base_url%/}

host=$(python3 -c 'import sys, urllib.parse; print(urllib.parse.urlsplit(sys.argv[1]).hostname or "")' "$base_url")
if [[ $host != 127.* && $host != localhost && $host != ::1 && ${SCHEMATHESIS_ALLOW_REMOTE:-0} != 1 ]]; then
  echo "not testing $base_url: its host is not this machine; set SCHEMATHESIS_ALLOW_REMOTE=1 to test it anyway" >&2
  exit 2
fi

# Python 3.11.7 raised "SystemError: AST constructor recursion depth mismatch" inside hypothesis
# during a run (CPython gh-106905), so Python 3.12 or newer is taken where one is installed.
find_python() {
  local candidates=(python3.13 python3.12)
  if command -v pyenv >/dev/null; then
    candidates+=($(pyenv versions --bare 2>/dev/null | grep -E '^3\.(1[2-9])(\.[0-9]+)?$' | sort -V -r | sed "s|^|$(pyenv root)/versions/|; s|$|/bin/python3|"))
  fi
  for candidate in "${candidates[@]}"; do
    if "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  echo python3
}
python=${SCHEMATHESIS_PYTHON:-$(find_python)}
if [[ "$("$venv/bin/st" --version 2>/dev/null)" != *"$SCHEMATHESIS_VERSION"* ]]; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv with $("$python" --version)" >&2
  rm -rf "$venv"
  "$python" -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

report_dir=${SCHEMATHESIS_REPORT_DIR:-$root/var/schemathesis-report}
mkdir -p "$report_dir"
report_dir=$(cd "$report_dir" && pwd)
global_args=()
if [[ -n ${SCHEMATHESIS_CONFIG:-} ]]; then
  global_args+=(--config-file "$(realpath "$SCHEMATHESIS_CONFIG")")
fi
args=(
  run "$base_url/api/v1/openapi.json"
  --checks "${SCHEMATHESIS_CHECKS:-$CHECKS}"
  --max-examples "${SCHEMATHESIS_MAX_EXAMPLES:-25}"
  --phases examples,coverage,fuzzing
  --workers 2
  --request-timeout 10
  --rate-limit auto
  --suppress-health-check all
  --generation-database none
  --report junit
  --report-junit-path "$report_dir/junit.xml"
  --no-color
  # The live stream of server-sent events never ends, so every request to it would run into the
  # request timeout; src/dashboard.module.spec.ts of services/dashboard covers it.
  --exclude-path-regex '/latest/stream$'
)
if [[ -n ${SCHEMATHESIS_SEED:-} ]]; then
  args+=(--seed "$SCHEMATHESIS_SEED")
fi
if [[ -n $token ]]; then
  args+=(--header "Authorization: Bearer $token")
fi

# schemathesis keeps replay data in .schemathesis/ of the working directory; keep it under var/.
cd "$report_dir"
# timeout ends the run with status 124 when the wall-clock limit is reached.
exec timeout --kill-after=10 "${SCHEMATHESIS_MAX_SECONDS:-180}" "$venv/bin/st" "${global_args[@]}" "${args[@]}"
