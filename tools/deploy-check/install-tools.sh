#!/usr/bin/env bash
# Installs what the deployment checks in tools/deploy-check need, each step skipped when its
# result is already in place:
#   - helm (Go module helm.sh/helm/v4) into $STADTDATEN_TOOLS_BIN (default $HOME/go/bin),
#   - schemacheck (tools/deploy-check/schemacheck, Go) into var/deploy-check/bin,
#   - strict JSON Schemas of the built-in Kubernetes kinds from the PyPI package
#     kubernetes-validate into var/deploy-check/schemas/kubernetes,
#   - CustomResourceDefinitions: Strimzi's generated from its Maven artifacts with its own
#     CRD generator (needs Java 21 or newer), cert-manager's, KEDA's and the Prometheus
#     operator's copied from their Go modules, into var/deploy-check/crds/<project>.
# Sources: the Go module proxy, PyPI and Maven Central. Takes about 3 minutes with empty
# caches on 2 cores (most of it building helm) and about 1 second when everything is present.
set -euo pipefail

root="$(cd "$(dirname "$0")/../.." && pwd)"
check_dir="$root/var/deploy-check"
tools_bin="${STADTDATEN_TOOLS_BIN:-$HOME/go/bin}"

HELM_MODULE=helm.sh/helm/v4
HELM_VERSION=v4.3.2
KUBERNETES_VALIDATE_VERSION=1.37.0
KUBERNETES_SCHEMA_FLAVOUR=v1.37.0-local-strict
STRIMZI_VERSION=1.2.0
CERT_MANAGER_MODULE=github.com/cert-manager/cert-manager@v1.21.2
# KEDA 2.21 needs Go 1.27; 2.20 is the newest that the Go toolchain of this project reads.
KEDA_MODULE=github.com/kedacore/keda/v2@v2.20.2
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator@v0.85.0

log() { echo "deploy-check: $*" >&2; }

fail() {
  echo "deploy-check: $*" >&2
  exit 1
}

require() {
  command -v "$1" >/dev/null 2>&1 || fail "$1 is missing: $2"
}

# Returns 0 when the stamp file contains exactly the given key.
stamp_matches() {
  [ -f "$1" ] && [ "$(cat "$1")" = "$2" ]
}

install_helm() {
  local helm="$tools_bin/helm"
  if [ -x "$helm" ] && go version -m "$helm" 2>/dev/null | grep -q "mod[[:space:]]*$HELM_MODULE[[:space:]]*$HELM_VERSION"; then
    return
  fi
  log "building helm $HELM_VERSION into $tools_bin (about 3 minutes with an empty Go cache)"
  mkdir -p "$tools_bin"
  GOBIN="$tools_bin" go install "$HELM_MODULE/cmd/helm@$HELM_VERSION"
}

install_schemacheck() {
  local source="$root/tools/deploy-check/schemacheck"
  local binary="$check_dir/bin/schemacheck"
  local key
  key="$(cat "$source"/*.go "$source"/go.mod "$source"/go.sum | sha256sum | cut -d' ' -f1)"
  if [ -x "$binary" ] && stamp_matches "$check_dir/bin/schemacheck.stamp" "$key"; then
    return
  fi
  log "building schemacheck"
  mkdir -p "$check_dir/bin"
  (cd "$source" && go build -o "$binary" .)
  echo "$key" >"$check_dir/bin/schemacheck.stamp"
}

install_kubernetes_schemas() {
  local target="$check_dir/schemas/kubernetes"
  local key="kubernetes-validate==$KUBERNETES_VALIDATE_VERSION $KUBERNETES_SCHEMA_FLAVOUR"
  if stamp_matches "$target/.stamp" "$key"; then
    return
  fi
  require python3 "install Python 3 (apt-get install python3 python3-pip)"
  log "fetching the Kubernetes JSON Schemas ($key) from PyPI"
  local download
  download="$(mktemp -d)"
  python3 -m pip download --quiet --no-deps --disable-pip-version-check -d "$download" \
    "kubernetes-validate==$KUBERNETES_VALIDATE_VERSION"
  rm -rf "$target"
  mkdir -p "$target"
  python3 - "$download"/kubernetes_validate-*.whl "$target" "$KUBERNETES_SCHEMA_FLAVOUR" <<'PYTHON'
import pathlib, sys, zipfile

wheel, target, flavour = sys.argv[1], pathlib.Path(sys.argv[2]), sys.argv[3]
prefix = f"kubernetes_validate/kubernetes-json-schema/{flavour}/"
count = 0
with zipfile.ZipFile(wheel) as archive:
    for name in archive.namelist():
        if name.startswith(prefix) and name.endswith(".json"):
            (target / name[len(prefix):]).write_bytes(archive.read(name))
            count += 1
if count == 0:
    sys.exit(f"{wheel} holds no schemas under {prefix}")
PYTHON
  rm -rf "$download"
  echo "$key" >"$target/.stamp"
}

# Finds a java binary of version 21 or newer: JAVA_HOME, java on PATH, then /usr/lib/jvm.
find_java21() {
  local candidate version
  for candidate in "${JAVA_HOME:+$JAVA_HOME/bin/java}" "$(command -v java || true)" /usr/lib/jvm/*/bin/java; do
    [ -n "$candidate" ] && [ -x "$candidate" ] || continue
    version="$("$candidate" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
    if [ "${version%%.*}" -ge 21 ] 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
}

install_strimzi_crds() {
  local target="$check_dir/crds/strimzi"
  local key="strimzi $STRIMZI_VERSION"
  if stamp_matches "$target/.stamp" "$key"; then
    return
  fi
  require mvn "install Maven (apt-get install maven)"
  local java
  java="$(find_java21)"
  [ -n "$java" ] || fail "Strimzi's CRD generator needs Java 21 or newer; install one (apt-get install openjdk-21-jdk-headless) or set JAVA_HOME"
  log "generating the Strimzi $STRIMZI_VERSION CRDs from Maven Central artifacts"
  local classpath
  classpath="$(mktemp)"
  mvn -q -B -Dstyle.color=never -f "$root/tools/deploy-check/strimzi-crds/pom.xml" -Dstrimzi.version="$STRIMZI_VERSION" \
    dependency:build-classpath -Dmdep.outputFile="$classpath" >&2
  rm -rf "$target"
  mkdir -p "$target"
  "$java" -cp "$(cat "$classpath")" io.strimzi.crdgenerator.CrdGenerator \
    --crd-api-version v1 --api-versions v1 --storage-version v1 --yaml \
    "io.strimzi.api.kafka.model.kafka.Kafka=$target/kafka.yaml" \
    "io.strimzi.api.kafka.model.nodepool.KafkaNodePool=$target/kafkanodepool.yaml" \
    "io.strimzi.api.kafka.model.topic.KafkaTopic=$target/kafkatopic.yaml" \
    "io.strimzi.api.kafka.model.user.KafkaUser=$target/kafkauser.yaml" >&2
  rm -f "$classpath"
  echo "$key" >"$target/.stamp"
}

# Copies CRD files out of a Go module: install_module_crds NAME MODULE@VERSION FOLDER FILE...
install_module_crds() {
  local name="$1" module="$2" folder="$3"
  shift 3
  local target="$check_dir/crds/$name"
  if stamp_matches "$target/.stamp" "$module"; then
    return
  fi
  log "copying the $name CRDs from the Go module $module"
  local scratch dir
  # Outside of any go.mod, "go mod download" fetches just the named module into the module cache.
  scratch="$(mktemp -d)"
  dir="$(cd "$scratch" && go mod download -json "$module" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')"
  rmdir "$scratch"
  rm -rf "$target"
  mkdir -p "$target"
  local file
  for file in "$@"; do
    cp "$dir/$folder/$file" "$target/$file"
  done
  chmod u+w "$target"/*
  echo "$module" >"$target/.stamp"
}

main() {
  require go "install Go 1.26 or newer"
  mkdir -p "$check_dir"
  # One installation at a time: parallel test workers may call this script together.
  exec 9>"$check_dir/.install.lock"
  flock 9
  local started=$SECONDS
  install_helm
  install_schemacheck
  install_kubernetes_schemas
  install_strimzi_crds
  install_module_crds cert-manager "$CERT_MANAGER_MODULE" deploy/crds \
    cert-manager.io_certificates.yaml cert-manager.io_issuers.yaml cert-manager.io_clusterissuers.yaml
  install_module_crds keda "$KEDA_MODULE" config/crd/bases \
    keda.sh_scaledobjects.yaml keda.sh_triggerauthentications.yaml
  install_module_crds prometheus-operator "$PROMETHEUS_OPERATOR_MODULE" example/prometheus-operator-crd \
    monitoring.coreos.com_servicemonitors.yaml
  log "tools ready in $((SECONDS - started)) s (helm: $tools_bin/helm)"
}

main "$@"
