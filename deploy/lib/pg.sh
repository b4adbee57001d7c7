# shellcheck shell=bash
# fhv: helpers for private PostgreSQL 15 clusters. Sourced by deploy/local/up,
# deploy/local/down and tests/run; not meant to be executed.
#
# PostgreSQL refuses to run as root: when the caller is root, every server
# binary runs as the `postgres` OS user (created by the postgresql-15 package)
# and the data and socket directories are owned by it. Otherwise everything
# runs as the calling user.
#
# Functions:
#   fhv_pg_run <binary> [args...]      run a PostgreSQL 15 binary as the right user
#   fhv_free_port                      print a free TCP port on 127.0.0.1
#   fhv_port_is_free <port>            succeed when 127.0.0.1:<port> can be bound
#   fhv_pg_init <datadir> <superuser> [<pwfile>]
#   fhv_pg_start <datadir> <port> <socketdir> <logfile> [name=value...]
#   fhv_pg_is_running <datadir>
#   fhv_pg_running_port <datadir>      port of the running server (postmaster.pid)
#   fhv_pg_stop <datadir>
#   fhv_pg_claim <dir>                 mark a throwaway cluster's directory as this run's
#   fhv_pg_reap <dir>...               stop and remove those whose run was killed
#   fhv_pg_setup_suite <admin-dsn> <dbname> [<password-dir>]

if [[ -n "${FHV_PG_SH_LOADED:-}" ]]; then
  return 0
fi
FHV_PG_SH_LOADED=1

: "${FHV_PG_BINDIR:=/usr/lib/postgresql/15/bin}"
FHV_SERVICES=(recruitment investigation placement payments)

fhv_log() { printf 'fhv: %s\n' "$*"; }
fhv_warn() { printf 'fhv: warning: %s\n' "$*" >&2; }
fhv_die() {
  printf 'fhv: error: %s\n' "$*" >&2
  exit 1
}

fhv_is_root() { [[ "$(id -u)" -eq 0 ]]; }

# The OS user that owns and runs our clusters.
fhv_pg_os_user() {
  if fhv_is_root; then
    printf 'postgres\n'
  else
    id -un
  fi
}

# Runs a command as the PostgreSQL OS user (runuser -u postgres when root).
# The working directory is / when switching users, so pass absolute paths.
fhv_pg_as_user() {
  if fhv_is_root; then
    id postgres >/dev/null 2>&1 \
      || fhv_die "the 'postgres' OS user does not exist (run deploy/deps/install to install postgresql-15)"
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# fhv_pg_run <cmd> [args...]: runs a binary from FHV_PG_BINDIR as the right user.
fhv_pg_run() {
  [[ $# -ge 1 ]] || fhv_die "fhv_pg_run: no command given"
  local cmd="$1"
  shift
  local bin="${FHV_PG_BINDIR}/${cmd}"
  [[ -x "${bin}" ]] \
    || fhv_die "${bin} not found: PostgreSQL 15 server binaries are missing (run deploy/deps/install)"
  fhv_pg_as_user "${bin}" "$@"
}

# Prints an absolute version of a path (which need not exist).
fhv_abspath() {
  realpath -m -- "$1"
}

# Gives a directory to the PostgreSQL OS user (no-op when not root).
fhv_pg_own() {
  if fhv_is_root; then
    chown postgres:postgres -- "$@"
  fi
}

fhv_python3() {
  if [[ -x /usr/bin/python3 ]]; then
    printf '/usr/bin/python3\n'
  elif command -v python3 >/dev/null 2>&1; then
    command -v python3
  else
    return 1
  fi
}

# fhv_port_is_free <port>: succeeds when 127.0.0.1:<port> can be bound now.
fhv_port_is_free() {
  local port="$1"
  if [[ ! "${port}" =~ ^[0-9]+$ ]] || ((port < 1 || port > 65535)); then
    return 1
  fi
  local py
  if py="$(fhv_python3)"; then
    "${py}" - "${port}" <<'PY' 2>/dev/null
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
try:
    s.bind(("127.0.0.1", int(sys.argv[1])))
except OSError:
    sys.exit(1)
finally:
    s.close()
PY
  else
    # Without python3: free when nothing accepts a connection on it.
    # shellcheck disable=SC2016 # $1 expands in the inner shell.
    ! timeout 1 bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$1"' _ "${port}" 2>/dev/null
  fi
}

# fhv_free_port: prints a TCP port on 127.0.0.1 that is free right now.
fhv_free_port() {
  local py port
  if py="$(fhv_python3)"; then
    # The kernel picks a free port when binding to port 0.
    "${py}" - <<'PY'
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
s.close()
PY
    return
  fi
  local tries
  for ((tries = 0; tries < 200; tries++)); do
    # 20000-32767: below Linux's default ephemeral range.
    port=$((20000 + RANDOM % 12768))
    if fhv_port_is_free "${port}"; then
      printf '%s\n' "${port}"
      return 0
    fi
  done
  fhv_die "could not find a free TCP port on 127.0.0.1"
}

fhv_pg_locale() {
  if locale -a 2>/dev/null | grep -qiE '^c\.utf-?8$'; then
    printf 'C.UTF-8\n'
  else
    printf 'C\n'
  fi
}

# fhv_pg_init <datadir> <superuser> [<pwfile>]: initdb unless <datadir> holds
# a cluster already. With a pwfile the superuser gets that password and local
# and TCP logins need scram-sha-256; without one, every login is trusted.
fhv_pg_init() {
  [[ $# -ge 2 && $# -le 3 ]] || fhv_die "usage: fhv_pg_init <datadir> <superuser> [<pwfile>]"
  local datadir superuser="$2" pwfile="${3:-}"
  datadir="$(fhv_abspath "$1")"
  if [[ -f "${datadir}/PG_VERSION" ]]; then
    local owner
    owner="$(stat -c %U -- "${datadir}")"
    [[ "${owner}" == "$(fhv_pg_os_user)" ]] \
      || fhv_die "${datadir} belongs to OS user '${owner}' but would be run as '$(fhv_pg_os_user)'; run this as '${owner}' (or as root when it is 'postgres')"
    return 0
  fi
  if [[ -d "${datadir}" ]] && [[ -n "$(ls -A -- "${datadir}")" ]]; then
    fhv_die "${datadir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away first"
  fi

  mkdir -p -- "${datadir}"
  chmod 0700 -- "${datadir}"
  fhv_pg_own "${datadir}"
  fhv_pg_as_user test -w "${datadir}" \
    || fhv_die "the '$(fhv_pg_os_user)' OS user cannot write ${datadir}: a parent directory is not searchable by it (e.g. a home directory with mode 0700); put the repository elsewhere or make its parents searchable (chmod o+x)"

  local args=(-D "${datadir}" -U "${superuser}" -E UTF8 --locale="$(fhv_pg_locale)")
  local tmp_pw=""
  if [[ -n "${pwfile}" ]]; then
    [[ -s "${pwfile}" ]] || fhv_die "password file ${pwfile} is missing or empty"
    args+=(--auth-local=scram-sha-256 --auth-host=scram-sha-256)
    if fhv_is_root; then
      # The pwfile is root's (mode 0600): hand initdb a private copy it can read.
      tmp_pw="$(mktemp)"
      cat -- "${pwfile}" >"${tmp_pw}"
      chown postgres -- "${tmp_pw}"
      args+=(--pwfile="${tmp_pw}")
    else
      args+=(--pwfile="$(fhv_abspath "${pwfile}")")
    fi
  else
    args+=(--auth-local=trust --auth-host=trust)
  fi

  fhv_log "creating PostgreSQL cluster in ${datadir}"
  local rc=0 out
  out="$(fhv_pg_run initdb "${args[@]}" 2>&1)" || rc=$?
  [[ -n "${tmp_pw}" ]] && rm -f -- "${tmp_pw}"
  if [[ "${rc}" -ne 0 ]]; then
    printf '%s\n' "${out}" >&2
    fhv_die "initdb failed for ${datadir}"
  fi
}

# fhv_pg_is_running <datadir>: succeeds when a server runs on that datadir.
fhv_pg_is_running() {
  local datadir
  datadir="$(fhv_abspath "$1")"
  [[ -f "${datadir}/PG_VERSION" ]] || return 1
  fhv_pg_run pg_ctl status -D "${datadir}" >/dev/null 2>&1
}

# fhv_pg_running_port <datadir>: prints the port of the running server.
fhv_pg_running_port() {
  local datadir
  datadir="$(fhv_abspath "$1")"
  # postmaster.pid line 4 is the port.
  fhv_pg_as_user sed -n '4p' "${datadir}/postmaster.pid"
}

# Quotes a word for /bin/sh (pg_ctl hands -o to the shell).
fhv_sh_quote() {
  local s="$1"
  printf "'%s'" "${s//\'/\'\\\'\'}"
}

# fhv_pg_start <datadir> <port> <socketdir> <logfile> [name=value...]:
# starts the server on 127.0.0.1:<port> with its socket in <socketdir> and
# waits until it accepts connections. No-op when already running.
fhv_pg_start() {
  [[ $# -ge 4 ]] || fhv_die "usage: fhv_pg_start <datadir> <port> <socketdir> <logfile> [name=value...]"
  local datadir port="$2" socketdir logfile
  datadir="$(fhv_abspath "$1")"
  socketdir="$(fhv_abspath "$3")"
  logfile="$(fhv_abspath "$4")"
  shift 4

  [[ -f "${datadir}/PG_VERSION" ]] || fhv_die "no PostgreSQL cluster in ${datadir}"
  if fhv_pg_is_running "${datadir}"; then
    return 0
  fi
  [[ "${port}" =~ ^[0-9]+$ ]] || fhv_die "invalid port '${port}'"
  # A unix socket path is limited to 107 bytes.
  local sock="${socketdir}/.s.PGSQL.${port}"
  ((${#sock} <= 107)) \
    || fhv_die "socket path ${sock} is longer than 107 bytes; use a shorter directory"

  mkdir -p -- "${socketdir}" "$(dirname -- "${logfile}")"
  chmod 0755 -- "${socketdir}"
  touch -- "${logfile}"
  fhv_pg_own "${socketdir}" "${logfile}"

  local opts=(
    "-c listen_addresses=$(fhv_sh_quote 127.0.0.1)"
    "-p ${port}"
    "-c unix_socket_directories=$(fhv_sh_quote "${socketdir}")"
  )
  local opt
  for opt in "$@"; do
    [[ "${opt}" == *=* ]] || fhv_die "fhv_pg_start: option '${opt}' is not name=value"
    opts+=("-c $(fhv_sh_quote "${opt}")")
  done

  fhv_log "starting PostgreSQL on 127.0.0.1:${port} (log: ${logfile})"
  if ! fhv_pg_run pg_ctl start -D "${datadir}" -l "${logfile}" -w -t 60 -s \
    -o "${opts[*]}"; then
    tail -n 30 -- "${logfile}" >&2 || true
    fhv_die "PostgreSQL did not start (see ${logfile})"
  fi
  local i
  for ((i = 0; i < 60; i++)); do
    if "${FHV_PG_BINDIR}/pg_isready" -q -h 127.0.0.1 -p "${port}"; then
      return 0
    fi
    sleep 0.5
  done
  fhv_die "PostgreSQL on port ${port} is not accepting connections (see ${logfile})"
}

# fhv_pg_stop <datadir>: fast shutdown when running.
fhv_pg_stop() {
  local datadir
  datadir="$(fhv_abspath "$1")"
  if ! fhv_pg_is_running "${datadir}"; then
    return 0
  fi
  fhv_log "stopping PostgreSQL (${datadir})"
  if ! fhv_pg_run pg_ctl stop -D "${datadir}" -m fast -w -t 30 -s; then
    fhv_warn "fast shutdown failed; trying immediate shutdown"
    fhv_pg_run pg_ctl stop -D "${datadir}" -m immediate -w -t 30 -s \
      || fhv_die "could not stop PostgreSQL in ${datadir}"
  fi
}

# fhv_pg_claim <dir>: records the calling script's process as the owner of the throwaway
# cluster in <dir>, for fhv_pg_reap.
fhv_pg_claim() {
  printf '%s\n' "$$" >"$1/owner"
}

# fhv_pg_reap <dir>...: stops and removes each throwaway cluster directory whose owner process
# (fhv_pg_claim) no longer runs: one left behind by a run that was killed. Directories without
# an owner, or whose owner still runs, are left alone.
fhv_pg_reap() {
  local dir owner
  for dir in "$@"; do
    [[ -f "${dir}/owner" ]] || continue
    owner="$(cat -- "${dir}/owner" 2>/dev/null)"
    [[ "${owner}" =~ ^[0-9]+$ ]] || continue
    [[ -d "/proc/${owner}" ]] && continue
    fhv_log "removing ${dir}, left behind by a run that was killed"
    if (fhv_pg_stop "${dir}/data"); then
      rm -rf -- "${dir}"
    else
      fhv_warn "could not stop the cluster in ${dir}"
    fi
  done
}

# fhv_pg_password <file>: prints the password in <file>, creating it (mode
# 0600, `openssl rand -hex 24`) on first use.
fhv_pg_password() {
  local file="$1"
  if [[ ! -s "${file}" ]]; then
    command -v openssl >/dev/null 2>&1 || fhv_die "openssl not found (run deploy/deps/install)"
    mkdir -p -- "$(dirname -- "${file}")"
    local tmp pw
    pw="$(openssl rand -hex 24)" || fhv_die "openssl rand failed"
    tmp="$(umask 077 && mktemp "${file}.XXXXXX")"
    printf '%s\n' "${pw}" >"${tmp}"
    mv -f -- "${tmp}" "${file}"
  fi
  chmod 0600 -- "${file}"
  local pw
  pw="$(head -n 1 -- "${file}")"
  [[ "${pw}" =~ ^[A-Za-z0-9._~+/=-]+$ ]] \
    || fhv_die "password file ${file} holds an unexpected value; delete it to generate a new one"
  printf '%s\n' "${pw}"
}

# Runs psql (the client needs no user switch) and stops at the first error.
fhv_psql() {
  PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning" \
    "${FHV_PG_BINDIR}/psql" -X -q -v ON_ERROR_STOP=1 "$@"
}

# fhv_pg_setup_suite <admin-dsn> <dbname> [<password-dir>]
#
# <admin-dsn> is a libpq connection string for a superuser (PGPASSWORD or
# PGPASSFILE may supply its password), e.g.
# "host=127.0.0.1 port=5432 user=fhv_admin dbname=postgres".
# Idempotently creates database <dbname> and, for each service s, the LOGIN
# role fhv_<s> and the schema <s> owned by it; only those roles may connect.
# With <password-dir>, role fhv_<s> gets the password in <password-dir>/<s>
# (generated on first use); without it the roles have no password.
fhv_pg_setup_suite() {
  [[ $# -ge 2 && $# -le 3 ]] || fhv_die "usage: fhv_pg_setup_suite <admin-dsn> <dbname> [<password-dir>]"
  local admin_dsn="$1" db="$2" pwdir="${3:-}"
  [[ "${db}" =~ ^[a-z_][a-z0-9_]*$ ]] || fhv_die "invalid database name '${db}'"

  local s pw sql
  sql="\\set db '${db}'"$'\n'
  # Passwords travel on psql's stdin, never on a command line.
  for s in "${FHV_SERVICES[@]}"; do
    if [[ -n "${pwdir}" ]]; then
      pw="$(fhv_pg_password "${pwdir}/${s}")"
      sql+="\\set pw_${s} '${pw}'"$'\n'
    fi
  done

  # Cluster-wide: the database and the roles.
  sql+="SELECT format('CREATE DATABASE %I', :'db')
  WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \\gexec
"
  for s in "${FHV_SERVICES[@]}"; do
    sql+="\\set role 'fhv_${s}'
SELECT format('CREATE ROLE %I LOGIN', :'role')
  WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = :'role') \\gexec
SELECT format('ALTER ROLE %I LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE', :'role') \\gexec
"
    if [[ -n "${pwdir}" ]]; then
      sql+="SELECT format('ALTER ROLE %I PASSWORD %L', :'role', :'pw_${s}') \\gexec
"
    else
      sql+="SELECT format('ALTER ROLE %I PASSWORD NULL', :'role') \\gexec
"
    fi
    sql+="SELECT format('GRANT CONNECT ON DATABASE %I TO %I', :'db', :'role') \\gexec
"
  done
  sql+="SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \\gexec
"
  # In the database: one schema per service, owned by its role.
  sql+="\\connect :db
REVOKE ALL ON SCHEMA public FROM PUBLIC;
"
  for s in "${FHV_SERVICES[@]}"; do
    sql+="SELECT format('CREATE SCHEMA IF NOT EXISTS %I AUTHORIZATION %I', '${s}', 'fhv_${s}') \\gexec
SELECT format('ALTER SCHEMA %I OWNER TO %I', '${s}', 'fhv_${s}') \\gexec
SELECT format('REVOKE ALL ON SCHEMA %I FROM PUBLIC', '${s}') \\gexec
"
  done

  fhv_log "setting up database '${db}' with roles and schemas for: ${FHV_SERVICES[*]}"
  fhv_psql -d "${admin_dsn}" -f - <<<"${sql}" \
    || fhv_die "setting up database '${db}' failed"
}
