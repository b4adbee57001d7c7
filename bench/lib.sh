# Shared parts of the benchmark drivers bench/run-*: sourced, never run.
#
# The driver sets, before it calls anything here:
#   BENCH_NAME     its name in messages, e.g. run-matching
#   BENCH_SERVICE  the service it measures, e.g. recruitment (binary fhv-<service>, role
#                  fhv_<service>, log <service>.log)
# and then uses:
#   bench_traps                   cleanup on exit, failure or interrupt (bench_cleanup)
#   bench_build <target>...       configure and build them in Release in build/bench
#   bench_require <binary>...     fail unless they are in build/bench/bin
#   bench_start_postgres          a throwaway cluster in WORK; sets PG_PORT, PG_PID, DSN;
#                                 creates the suite's roles and schemas, migrates the service
#   bench_keygen                  a signing key in WORK/keys
#   bench_mint <file> <user> <org> <org_kind> <roles> [<regions>]   a token into <file>
#   bench_start_service [<service> [<flag>...]]   starts fhv-<service> (default BENCH_SERVICE)
#                                 with the flags; sets SERVICE_PID, GRPC_PORT, METRICS_PORT
#   bench_migrate <service>       migrates another service's schema; prints its DSN
#   bench_positive <flag> <value> fail unless <value> is a positive whole number
#   elapsed                       the time since the driver started, e.g. 1m05s
# Everything it starts (cluster, service, keys) is removed by bench_cleanup.

# shellcheck shell=bash

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
readonly REPO
# shellcheck source=SCRIPTDIR/../deploy/lib/pg.sh
source "${REPO}/deploy/lib/pg.sh"

# FHV_BENCH_BUILD_DIR: another build tree (with --no-build, e.g. the tests' own: the smoke test).
readonly BUILD_DIR="${FHV_BENCH_BUILD_DIR:-${REPO}/build/bench}"
readonly BIN_DIR="${BUILD_DIR}/bin"
readonly PG_SUPERUSER="fhv_bench"
readonly DB_NAME="fhv_bench"
readonly JWT_ISSUER="fhv-bench"
readonly READY_TIMEOUT_S=30

WORK=""
SERVICE_PID=""
SERVICE_PIDS=()
START_SECONDS="${SECONDS}"

elapsed() {
  local s=$((SECONDS - START_SECONDS))
  printf '%dm%02ds' $((s / 60)) $((s % 60))
}

bench_cleanup() {
  local rc=$?
  set +e
  local pid i
  for pid in "${SERVICE_PIDS[@]}"; do
    kill -0 "${pid}" 2>/dev/null || continue
    kill -TERM "${pid}" 2>/dev/null
    for ((i = 0; i < 100; i++)); do
      kill -0 "${pid}" 2>/dev/null || break
      sleep 0.1
    done
    kill -KILL "${pid}" 2>/dev/null
    wait "${pid}" 2>/dev/null
  done
  if [[ -n "${WORK}" && -d "${WORK}" ]]; then
    (fhv_pg_stop "${WORK}/pg/data") || fhv_warn "could not stop the benchmark's PostgreSQL cluster"
    if [[ "${rc}" -ne 0 && -d "${BUILD_DIR}" ]]; then
      # Keep the logs of a failed run.
      cp -f -- "${WORK}/pg/postgres.log" "${BUILD_DIR}/bench-postgres.log" 2>/dev/null
      local log
      for log in "${WORK}"/*.log; do
        [[ -f "${log}" ]] && cp -f -- "${log}" "${BUILD_DIR}/bench-${log##*/}"
      done
      fhv_log "logs kept in ${BUILD_DIR#"${REPO}/"}/bench-*.log"
    fi
    rm -rf -- "${WORK}"
  fi
  fhv_log "bench/${BENCH_NAME} finished in $(elapsed) with exit code ${rc}"
  exit "${rc}"
}

bench_traps() {
  trap bench_cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  trap 'exit 129' HUP
}

bench_positive() {
  [[ "$2" =~ ^[1-9][0-9]*$ ]] || fhv_die "$1 needs a positive whole number, not '$2'"
}

bench_build() {
  fhv_log "building (Release) in ${BUILD_DIR#"${REPO}/"}; the first build takes several minutes"
  cmake -S "${REPO}" -B "${BUILD_DIR}" -G Ninja \
    -DCMAKE_BUILD_TYPE=Release -DFHV_BUILD_TESTS=OFF >/dev/null \
    || fhv_die "cmake configure failed"
  cmake --build "${BUILD_DIR}" -j2 --target "$@" || fhv_die "build failed"
}

bench_require() {
  local b
  for b in "$@"; do
    [[ -x "${BIN_DIR}/${b}" ]] || fhv_die "${BIN_DIR}/${b} is missing (run without --no-build)"
  done
}

bench_start_postgres() {
  WORK="$(mktemp -d "${TMPDIR:-/tmp}/fhv-bench.XXXXXX")"
  chmod 0755 -- "${WORK}"
  mkdir -p -- "${WORK}/pg" "${WORK}/keys" "${WORK}/tokens"
  chmod 0700 -- "${WORK}/keys" "${WORK}/tokens"
  fhv_pg_own "${WORK}/pg"
  fhv_pg_init "${WORK}/pg/data" "${PG_SUPERUSER}"
  PG_PORT="$(fhv_free_port)"
  # PostgreSQL's defaults, as the local stack runs it: fsync, full_page_writes and
  # synchronous_commit on.
  fhv_pg_start "${WORK}/pg/data" "${PG_PORT}" "${WORK}/pg/run" "${WORK}/pg/postgres.log"
  # shellcheck disable=SC2034  # the postmaster, for the drivers
  PG_PID="$(head -n 1 -- "${WORK}/pg/data/postmaster.pid" 2>/dev/null || true)"
  fhv_pg_setup_suite "host=127.0.0.1 port=${PG_PORT} user=${PG_SUPERUSER} dbname=postgres" \
    "${DB_NAME}"
  DSN="$(bench_migrate "${BENCH_SERVICE}")"
}

bench_migrate() {
  local dsn="host=127.0.0.1 port=${PG_PORT} dbname=${DB_NAME} user=fhv_$1" out
  fhv_log "migrating $1" >&2
  if ! out="$(FHV_DATABASE_DSN="${dsn}" "${BIN_DIR}/fhv-$1" --migrate 2>&1)"; then
    printf '%s\n' "${out}" >&2
    fhv_die "migrations of $1 failed"
  fi
  printf '%s\n' "${dsn}"
}

bench_keygen() {
  (umask 077 && "${BIN_DIR}/fhv-token" keygen --out="${WORK}/keys/bench" 2>/dev/null) \
    || fhv_die "fhv-token keygen failed"
}

bench_mint() {
  local file="$1" user="$2" org="$3" kind="$4" roles="$5" regions="${6:-}" token
  token="$("${BIN_DIR}/fhv-token" mint --private_key="${WORK}/keys/bench.pem" --kid=bench \
    --issuer="${JWT_ISSUER}" --user="${user}" --org="${org}" --org_kind="${kind}" \
    --roles="${roles}" --regions="${regions}" --ttl=2h)" \
    || fhv_die "fhv-token mint failed for ${user}"
  printf '%s\n' "${token}" >"${file}"
}

bench_start_service() {
  local service="${1:-${BENCH_SERVICE}}"
  [[ $# -gt 0 ]] && shift
  local name="fhv-${service}" log="${WORK}/${service}.log" ready="${WORK}/${service}.ready"
  local dsn="host=127.0.0.1 port=${PG_PORT} dbname=${DB_NAME} user=fhv_${service}"
  fhv_log "starting ${name} (log: ${log})"
  # The DSN goes in the environment, not on the command line.
  FHV_DATABASE_DSN="${dsn}" "${BIN_DIR}/${name}" \
    --grpc_address=127.0.0.1:0 --metrics_address=127.0.0.1:0 \
    --jwt_public_keys="${WORK}/keys/bench.pub.pem" --jwt_issuer="${JWT_ISSUER}" \
    --ready_file="${ready}" "$@" </dev/null >"${log}" 2>&1 &
  SERVICE_PID=$!
  SERVICE_PIDS+=("${SERVICE_PID}")
  local deadline=$((SECONDS + READY_TIMEOUT_S))
  until [[ -f "${ready}" ]]; do
    if ! kill -0 "${SERVICE_PID}" 2>/dev/null; then
      tail -n 40 -- "${log}" >&2 || true
      fhv_die "${name} exited before it was ready"
    fi
    if ((SECONDS >= deadline)); then
      tail -n 40 -- "${log}" >&2 || true
      fhv_die "${name} was not ready after ${READY_TIMEOUT_S} s"
    fi
    sleep 0.1
  done
  GRPC_PORT="$(sed -n 's/.*"grpc_port":\([0-9]*\).*/\1/p' "${ready}")"
  # shellcheck disable=SC2034  # for the drivers
  METRICS_PORT="$(sed -n 's/.*"metrics_port":\([0-9]*\).*/\1/p' "${ready}")"
  [[ -n "${GRPC_PORT}" ]] || fhv_die "cannot read the gRPC port from ${ready}"
  fhv_log "${name} serves on 127.0.0.1:${GRPC_PORT}"
}
