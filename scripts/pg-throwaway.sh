#!/usr/bin/env bash
# Guarantee a PostgreSQL 15 server at a known base URL (no database name).
#
# Usage:
#   scripts/pg-throwaway.sh [start]      print base URL on stdout
#   scripts/pg-throwaway.sh stop DATADIR stop a throwaway cluster and delete it
#   scripts/pg-throwaway.sh pause DATADIR  stop it but keep it (fault tests)
#   scripts/pg-throwaway.sh resume DATADIR start a paused cluster again
#   . scripts/pg-throwaway.sh            same as start, but exports
#                                        PG_BASE_URL and PG_THROWAWAY_DATADIR
#
# If a server already answers at $PG_HOST:$PG_PORT (default 127.0.0.1:5432,
# which the CI/dev machines provide with trust auth), we just use it. Otherwise
# we initdb a throwaway cluster in a mktemp dir and start it on
# 127.0.0.1:$PG_THROWAWAY_PORT (default 55432). In that case the line
#   PG_THROWAWAY_DATADIR=/path/to/datadir
# is printed on stderr so the caller can `stop` it when it is done. When
# nothing was started, no such line is printed (there is nothing to stop).
#
# Environment:
#   PG_BIN               PostgreSQL binaries (default /usr/lib/postgresql/15/bin)
#   PG_HOST, PG_PORT     where to look for an existing server
#   PG_THROWAWAY_PORT    port for the throwaway cluster
#   PG_THROWAWAY_FORCE=1 skip the "already running" check (used to test the
#                        throwaway path on machines that do run a server)

# --- sourced mode -----------------------------------------------------------
# When sourced we must not touch the caller's shell options or `exit` its
# shell, so we re-run ourselves as a child process and only copy the results
# into the caller's environment.
if [[ "${BASH_SOURCE[0]}" != "${0}" ]]; then
    __pgt_err="$(mktemp)"
    if PG_BASE_URL="$(bash "${BASH_SOURCE[0]}" start 2>"$__pgt_err")"; then
        cat "$__pgt_err" >&2
        PG_THROWAWAY_DATADIR="$(sed -n 's/^PG_THROWAWAY_DATADIR=//p' "$__pgt_err")"
        rm -f "$__pgt_err"
        unset __pgt_err
        export PG_BASE_URL PG_THROWAWAY_DATADIR
        return 0
    else
        cat "$__pgt_err" >&2
        rm -f "$__pgt_err"
        unset __pgt_err
        return 1
    fi
fi

# --- executed mode ----------------------------------------------------------
set -euo pipefail

PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
PG_HOST="${PG_HOST:-127.0.0.1}"
PG_PORT="${PG_PORT:-5432}"
PG_THROWAWAY_PORT="${PG_THROWAWAY_PORT:-55432}"
# Our own file in every cluster we create: `stop` refuses to stop or delete a
# directory without it, so a wrong argument can never wipe a real cluster.
MARKER=".pg-throwaway"
SERVER_LOG="throwaway.log"

log() { printf 'pg-throwaway: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

# pg_isready exits 0 only when the server accepts connections (1 = starting
# up / rejecting, 2 = no answer). Fall back to a bare TCP connect when the
# client tools are not installed.
server_ready() {
    local host="$1" port="$2" isready
    isready="$(command -v pg_isready || true)"
    [[ -z "$isready" && -x "$PG_BIN/pg_isready" ]] && isready="$PG_BIN/pg_isready"
    if [[ -n "$isready" ]]; then
        "$isready" -q -h "$host" -p "$port" -t 3
    else
        # shellcheck disable=SC2016 # $1/$2 are expanded by the inner bash
        timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$host" "$port" 2>/dev/null
    fi
}

# initdb and the postmaster refuse to run as root. As root we hand the
# cluster to the `postgres` system user; otherwise we run as ourselves.
RUN_AS=""
pick_run_as() {
    if [[ "$(id -u)" -eq 0 ]]; then
        getent passwd postgres >/dev/null \
            || die "running as root and there is no 'postgres' user to own the cluster (initdb refuses to run as root)"
        RUN_AS="postgres"
    fi
}

# Run a PostgreSQL binary as $RUN_AS (or as ourselves). `cd /` because the
# postgres user may not be allowed into the caller's working directory.
pg_run() {
    if [[ -z "$RUN_AS" ]]; then
        "$@"
    elif command -v runuser >/dev/null; then
        (cd / && runuser -u "$RUN_AS" -- "$@")
    else
        # su needs a single command string; %q quoting is bash syntax, so
        # force bash as the shell rather than whatever the user's is.
        (cd / && su "$RUN_AS" -s /bin/bash -c "$(printf '%q ' "$@")")
    fi
}

cmd_start() {
    if [[ "${PG_THROWAWAY_FORCE:-0}" != "1" ]] && server_ready "$PG_HOST" "$PG_PORT"; then
        log "using the PostgreSQL already running at $PG_HOST:$PG_PORT"
        printf 'postgres://postgres@%s:%s\n' "$PG_HOST" "$PG_PORT"
        return 0
    fi

    [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] \
        || die "no PostgreSQL server at $PG_HOST:$PG_PORT and no initdb/pg_ctl in $PG_BIN"
    # Never hijack somebody else's server on our port: we would later "stop"
    # a cluster we do not own.
    if server_ready 127.0.0.1 "$PG_THROWAWAY_PORT"; then
        die "something already listens on 127.0.0.1:$PG_THROWAWAY_PORT; set PG_THROWAWAY_PORT to a free port"
    fi

    pick_run_as
    local datadir
    datadir="$(mktemp -d "${TMPDIR:-/tmp}/pg-throwaway.XXXXXX")"
    # Until the server is up, any failure must remove what we created, and
    # show the server log, which is where the real reason is.
    # shellcheck disable=SC2064 # expand $datadir now, on purpose
    trap "cleanup_failed_start $(printf '%q' "$datadir")" EXIT

    if [[ -n "$RUN_AS" ]]; then
        chown "$RUN_AS:" "$datadir"
    fi
    chmod 700 "$datadir"

    log "initdb into $datadir${RUN_AS:+ (as $RUN_AS)}"
    # --no-sync/fsync=off: the data is thrown away, durability only costs time.
    # --locale=C: does not depend on which locales the machine has generated.
    pg_run "$PG_BIN/initdb" -D "$datadir" --auth=trust -U postgres \
        --encoding=UTF8 --locale=C --no-sync >"$datadir.initdb.log" 2>&1 \
        || { cat "$datadir.initdb.log" >&2; rm -f "$datadir.initdb.log"; die "initdb failed"; }
    rm -f "$datadir.initdb.log"

    # Settings go into postgresql.conf rather than `pg_ctl -o` so a TMPDIR
    # with spaces cannot break the option string. The socket lives in the
    # data dir so we never need write access to /var/run/postgresql.
    cat >>"$datadir/postgresql.conf" <<EOF

# --- added by scripts/pg-throwaway.sh ---
listen_addresses = '127.0.0.1'
port = $PG_THROWAWAY_PORT
unix_socket_directories = '$datadir'
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
EOF
    touch "$datadir/$MARKER"
    if [[ -n "$RUN_AS" ]]; then
        chown "$RUN_AS:" "$datadir/$MARKER"
    fi

    log "starting on 127.0.0.1:$PG_THROWAWAY_PORT"
    pg_run "$PG_BIN/pg_ctl" -D "$datadir" -l "$datadir/$SERVER_LOG" -w -t 60 start >/dev/null \
        || die "pg_ctl start failed"

    # pg_ctl -w already waited, but make sure it accepts TCP connections on
    # the address we are about to hand out.
    local i
    for ((i = 0; i < 60; i++)); do
        server_ready 127.0.0.1 "$PG_THROWAWAY_PORT" && break
        sleep 0.5
    done
    server_ready 127.0.0.1 "$PG_THROWAWAY_PORT" || die "server did not become ready"

    trap - EXIT
    log "throwaway PostgreSQL is up; stop it with: $0 stop $datadir"
    printf 'PG_THROWAWAY_DATADIR=%s\n' "$datadir" >&2
    printf 'postgres://postgres@127.0.0.1:%s\n' "$PG_THROWAWAY_PORT"
}

cleanup_failed_start() {
    local datadir="$1"
    if [[ -f "$datadir/$SERVER_LOG" ]]; then
        log "server log:"
        tail -n 40 "$datadir/$SERVER_LOG" >&2 || true
    fi
    if [[ -f "$datadir/postmaster.pid" ]]; then
        pg_run "$PG_BIN/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$datadir"
}

cmd_stop() {
    local datadir="${1:-}"
    [[ -n "$datadir" ]] || die "usage: $0 stop DATADIR"
    if [[ ! -d "$datadir" ]]; then
        log "$datadir does not exist; nothing to stop"
        return 0
    fi
    [[ -f "$datadir/$MARKER" ]] \
        || die "$datadir was not created by this script (no $MARKER); refusing to stop or delete it"

    # Stop it as whoever owns it (postgres when we created it as root).
    if [[ "$(id -u)" -eq 0 ]]; then
        local owner
        owner="$(stat -c %U "$datadir")"
        if [[ "$owner" != "root" ]]; then
            RUN_AS="$owner"
        fi
    fi
    # pg_ctl status: 0 running, 3 not running; only stop a running server.
    if pg_run "$PG_BIN/pg_ctl" -D "$datadir" status >/dev/null 2>&1; then
        log "stopping the throwaway PostgreSQL in $datadir"
        pg_run "$PG_BIN/pg_ctl" -D "$datadir" -m fast -w -t 60 stop >/dev/null \
            || pg_run "$PG_BIN/pg_ctl" -D "$datadir" -m immediate -w stop >/dev/null
    fi
    rm -rf "$datadir"
    log "removed $datadir"
}

# The owner of a cluster we created, to run pg_ctl as.
own_cluster() {
    local datadir="$1"
    [[ -n "$datadir" && -f "$datadir/$MARKER" ]] \
        || die "$datadir was not created by this script (no $MARKER)"
    if [[ "$(id -u)" -eq 0 ]]; then
        local owner
        owner="$(stat -c %U "$datadir")"
        if [[ "$owner" != "root" ]]; then
            RUN_AS="$owner"
        fi
    fi
}

cmd_pause() {
    own_cluster "${1:-}"
    pg_run "$PG_BIN/pg_ctl" -D "$1" -m fast -w -t 60 stop >/dev/null
}

cmd_resume() {
    own_cluster "${1:-}"
    pg_run "$PG_BIN/pg_ctl" -D "$1" -l "$1/$SERVER_LOG" -w -t 60 start >/dev/null
}

case "${1:-start}" in
    start) cmd_start ;;
    stop)
        shift
        cmd_stop "$@"
        ;;
    pause)
        shift
        cmd_pause "$@"
        ;;
    resume)
        shift
        cmd_resume "$@"
        ;;
    -h | --help | help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//' ;;
    *) die "unknown command '$1' (expected: start | stop | pause | resume DATADIR)" ;;
esac
