#!/usr/bin/env bash
# Installs the system packages the test suite needs and that npm cannot bring: Debian's
# Chromium for the browser tests, Maven and pip for the deployment checks, which then get
# helm and the schema tools from the Go module proxy, Maven Central and PyPI. Runs apt-get
# only where a package is missing.
set -euo pipefail

missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v mvn >/dev/null 2>&1 || missing+=(maven)
python3 -m pip --version >/dev/null 2>&1 || missing+=(python3-pip)

if [ "${#missing[@]}" -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    echo "missing system packages: ${missing[*]}; install them with: sudo apt-get install -y ${missing[*]}" >&2
    exit 1
  fi
  echo "installing system packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi

bash "$(dirname "$0")/deploy-check/install-tools.sh"
