# shellcheck shell=bash
# Shared by scripts/demo, scripts/test, checks/ and bench/run: find (or install) Odoo
# 18.0 or 19.0, make sure PostgreSQL is reachable, and run Odoo with the repo's addons.
# What it creates lives in .local/ (git-ignored), but the Odoo trees it fetches and
# their virtualenvs, kept once per user in ~/.cache/sales_objectives/ (as pre-commit
# keeps its environments) and shared by every checkout.

set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL_DIR="${SO_LOCAL_DIR:-$ROOT/.local}"
CACHE_DIR="${SO_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/sales_objectives}"
# the Odoo series the add-ons install on, and the Python versions each one runs on
SUPPORTED_SERIES="18.0 19.0"
declare -A PYTHON_RANGE=([18.0]="3.10 3.12" [19.0]="3.10 3.13")
ODOO_GIT_URL="${ODOO_GIT_URL:-https://github.com/odoo/odoo.git}"
SO_PGPORT="${SO_PGPORT:-54329}"
SO_PGUSER="${SO_PGUSER:-odoo}"

say() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mfatal:\033[0m %s\n' "$*" >&2; exit 2; }

mkdir -p "$LOCAL_DIR"

# Every command takes "--odoo SERIES" (taken out of its arguments here) or
# SO_ODOO_SERIES; without them, the series of ODOO_SRC, else of the Odoo python3
# imports, else 18.0. Exported: the commands a command runs use the same series.
_args=()
while [ $# -gt 0 ]; do
    case "$1" in
        --odoo) [ $# -ge 2 ] || die "--odoo needs a series: ${SUPPORTED_SERIES// / or }"
                SO_ODOO_SERIES="$2"; shift 2 ;;
        --odoo=*) SO_ODOO_SERIES="${1#--odoo=}"; shift ;;
        *) _args+=("$1"); shift ;;
    esac
done
set -- ${_args[@]+"${_args[@]}"}
unset _args

# The repo's addons: every top-level folder with a manifest, but the test add-ons.
repo_addons() {
    local d
    for d in "$ROOT"/*/__manifest__.py; do
        [ -f "$d" ] || continue
        d=$(basename "$(dirname "$d")")
        [[ $d == test_* ]] || echo "$d"
    done
}

# The test add-ons (test_*: no product, no demo; scripts/test installs and tests them).
test_addons() {
    local d
    for d in "$ROOT"/test_*/__manifest__.py; do
        [ -f "$d" ] && basename "$(dirname "$d")"
    done
    return 0
}

# --------------------------------------------------------------------------
# Odoo
# --------------------------------------------------------------------------

# Prints the series ("18.0") of the odoo package that python "$1" would import (with
# "$2" first on its path), without importing Odoo itself (and its dependencies). Odoo
# 19.0's odoo is a namespace package (no __init__.py): any Odoo 18.0 on the path wins.
_series_of_python() {
    PYTHONPATH="${2:-}${PYTHONPATH:+:$PYTHONPATH}" "$1" - <<'PY' 2>/dev/null
import importlib.util, os, runpy
spec = importlib.util.find_spec("odoo")
if spec:
    folder = os.path.dirname(spec.origin) if spec.origin else list(spec.submodule_search_locations)[0]
    print(runpy.run_path(os.path.join(folder, "release.py"))["serie"])
PY
}

_series_of_src() {
    python3 - "$1" <<'PY' 2>/dev/null
import os, runpy, sys
print(runpy.run_path(os.path.join(sys.argv[1], "odoo", "release.py"))["serie"])
PY
}

# Odoo's own python dependencies are importable by "$1" (with "$2" first on sys.path),
# and the odoo it imports is of the series asked for.
_odoo_deps_ok() {
    [ "$(_series_of_python "$1" "${2:-}")" = "$ODOO_SERIES" ] || return 1
    PYTHONPATH="${2:-}${PYTHONPATH:+:$PYTHONPATH}" "$1" -c \
        'import odoo.http, psycopg2, lxml, werkzeug, babel, reportlab, PyPDF2, phonenumbers, websocket' \
        >/dev/null 2>&1
}

# The series: --odoo / SO_ODOO_SERIES, else ODOO_SRC's, else the Odoo python3
# imports, else 18.0; another one is refused, and so is a Python it does not run on.
if [ -n "${SO_ODOO_SERIES:-}" ]; then
    ODOO_SERIES="$SO_ODOO_SERIES"
elif [ -n "${ODOO_SRC:-}" ] && [ -f "$ODOO_SRC/odoo/release.py" ]; then
    ODOO_SERIES=$(_series_of_src "$ODOO_SRC")
else
    ODOO_SERIES=$(_series_of_python python3 || true)
    case " $SUPPORTED_SERIES " in *" ${ODOO_SERIES:-none} "*) ;; *) ODOO_SERIES="18.0" ;; esac
fi
case " $SUPPORTED_SERIES " in
    *" $ODOO_SERIES "*) ;;
    *) die "Odoo $ODOO_SERIES is not supported: sales_objectives installs on Odoo ${SUPPORTED_SERIES// / and } (--odoo 18.0 or --odoo 19.0)." ;;
esac
export SO_ODOO_SERIES="$ODOO_SERIES"
PY_VERSION=$(python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])')
read -r _py_min _py_max <<<"${PYTHON_RANGE[$ODOO_SERIES]}"
if ! python3 -c "import sys; sys.exit(not ((${_py_min/./, }) <= sys.version_info[:2] <= (${_py_max/./, })))"; then
    die "Odoo $ODOO_SERIES runs on Python $_py_min to $_py_max; python3 is $PY_VERSION. Put a Python of those versions first on PATH as python3."
fi
unset _py_min _py_max
# Each series has its own databases (one cluster serves both) and Odoo configuration.
if [ "$ODOO_SERIES" = "18.0" ]; then SERIES_SUFFIX=""; else SERIES_SUFFIX="_${ODOO_SERIES%%.*}"; fi

# Creates the series' virtualenv (in the per-user cache) and installs Odoo's
# requirements into it, with the build constraint old source packages need and the
# versions Odoo's tests need.
_install_requirements() {
    local src="$1" venv="$2"
    if [ ! -x "$venv/bin/python" ]; then
        say "Creating the virtualenv $venv"
        mkdir -p "$(dirname "$venv")"
        python3 -m venv "$venv"
    fi
    local constraints="$venv/build-constraints.txt"
    echo 'setuptools<81' >"$constraints"
    say "Installing Odoo $ODOO_SERIES's Python requirements into $venv (first time: several minutes)"
    # Odoo's long-polling process (--workers) loads gevent's plugins with pkg_resources:
    # the setuptools of Python 3.11's venv (65) does not find zope.interface 7+ (its
    # normalized dist-info name), a later one before 81 (which drops pkg_resources) does.
    # Old source packages in Odoo's pins need setuptools<81 (pkg_resources) to build:
    # PIP_CONSTRAINT reaches build environments up to pip 25.2, PIP_BUILD_CONSTRAINT after.
    PIP_CONSTRAINT="$constraints" PIP_BUILD_CONSTRAINT="$constraints" \
        "$venv/bin/python" -m pip install --quiet \
        -r "$src/requirements.txt" phonenumbers==8.12.57 websocket-client==1.2.3 \
        'setuptools>=70,<81' \
        || die "Installing Odoo's requirements failed (above). On Debian/Ubuntu, building them needs: apt install build-essential python3-dev libldap2-dev libsasl2-dev libpq-dev"
}

# Sets ODOO_CMD (array), ODOO_PY, ODOO_PYTHONPATH (for scripts that import odoo)
# and ODOO_ADDONS_PATH, for the series ODOO_SERIES.
ensure_odoo() {
    local series src=""
    ODOO_PY=""
    ODOO_PYTHONPATH=""
    ODOO_VENV=""
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -f "$ODOO_SRC/odoo/release.py" ] || die "ODOO_SRC=$ODOO_SRC is not an Odoo source tree (no odoo/release.py)."
        series=$(_series_of_src "$ODOO_SRC")
        [ "$series" = "$ODOO_SERIES" ] || die "ODOO_SRC=$ODOO_SRC holds Odoo ${series:-of unknown version}, not the $ODOO_SERIES asked for."
        src=$(cd "$ODOO_SRC" && pwd)
        say "Using the Odoo $series checkout named by ODOO_SRC: $src"
    elif [ "$(_series_of_python python3 || true)" = "$ODOO_SERIES" ]; then
        _odoo_deps_ok python3 || die "python3 imports Odoo $ODOO_SERIES but not all of its requirements (see Odoo's requirements.txt; the tests also need phonenumbers and websocket-client)."
        ODOO_PY=$(command -v python3)
        say "Using the Odoo $ODOO_SERIES installed for python3"
    else
        src="$CACHE_DIR/odoo-$ODOO_SERIES"
        if [ ! -f "$src/odoo/release.py" ] && [ -f "$LOCAL_DIR/odoo/odoo/release.py" ] \
            && [ "$(_series_of_src "$LOCAL_DIR/odoo")" = "$ODOO_SERIES" ]; then
            src="$LOCAL_DIR/odoo"  # fetched by an earlier release of these scripts
        fi
        if [ -f "$src/odoo/release.py" ]; then
            say "Using the Odoo $ODOO_SERIES checkout in $src"
        else
            command -v git >/dev/null || die "Odoo $ODOO_SERIES is not installed and git is missing to fetch it."
            say "Odoo $ODOO_SERIES is not installed: fetching it from $ODOO_GIT_URL (branch $ODOO_SERIES) into $src, once for every checkout"
            mkdir -p "$CACHE_DIR"
            rm -rf "$src.partial"
            git clone --quiet --depth 1 --branch "$ODOO_SERIES" "$ODOO_GIT_URL" "$src.partial" \
                || die "Could not fetch Odoo $ODOO_SERIES from $ODOO_GIT_URL (no network?). Install Odoo $ODOO_SERIES for python3, or set ODOO_SRC to a checkout."
            mv "$src.partial" "$src"
        fi
        [ "$(_series_of_src "$src")" = "$ODOO_SERIES" ] || die "$src does not hold Odoo $ODOO_SERIES."
    fi

    if [ -n "$src" ]; then
        if _odoo_deps_ok python3 "$src"; then
            ODOO_PY=$(command -v python3)
        else
            ODOO_VENV="$CACHE_DIR/venv-$ODOO_SERIES-py$PY_VERSION"
            if ! { [ -x "$ODOO_VENV/bin/python" ] && _odoo_deps_ok "$ODOO_VENV/bin/python" "$src"; }; then
                _install_requirements "$src" "$ODOO_VENV"
            fi
            ODOO_PY="$ODOO_VENV/bin/python"
        fi
        ODOO_CMD=("$ODOO_PY" "$src/odoo-bin")
        ODOO_PYTHONPATH="$src"
        ODOO_ADDONS_PATH="$src/addons,$ROOT"
    else
        local odoo_root
        odoo_root=$("$ODOO_PY" -c 'import odoo, os; print(os.path.dirname(os.path.dirname(odoo.__file__)))')
        # Odoo's multi-process mode (--workers) starts its long-polling process by
        # running its own command again: a script, not "python -m odoo"
        if [ -f "$odoo_root/odoo-bin" ]; then
            ODOO_CMD=("$ODOO_PY" "$odoo_root/odoo-bin")
        elif [ -x "$(dirname "$ODOO_PY")/odoo" ]; then
            ODOO_CMD=("$(dirname "$ODOO_PY")/odoo")
        else
            ODOO_CMD=("$ODOO_PY" -m odoo)
        fi
        if [ -d "$odoo_root/addons/crm" ]; then
            ODOO_ADDONS_PATH="$odoo_root/addons,$ROOT"
        else
            ODOO_ADDONS_PATH="$ROOT"
        fi
    fi
    export TZ=UTC
}

# Sets PYTEST_PY: a python that imports Odoo, its requirements and pytest-odoo
# (requirements-pytest.txt). Needs ensure_odoo. The series' virtualenv when the setup
# made one; else .local/pytest-SERIES, a virtualenv sharing the packages of the python3
# that imports Odoo. The Odoo tree is put on its path.
ensure_pytest_odoo() {
    local venv="${ODOO_VENV:-$LOCAL_DIR/pytest-$ODOO_SERIES}" stamp site
    if [ ! -x "$venv/bin/python" ]; then
        say "Creating the virtualenv $venv for pytest-odoo (with the packages of $ODOO_PY)"
        "$ODOO_PY" -m venv --system-site-packages "$venv"
    fi
    site=$("$venv/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    if [ -n "$ODOO_PYTHONPATH" ]; then
        echo "$ODOO_PYTHONPATH" >"$site/sales_objectives_odoo_src.pth"
    else
        rm -f "$site/sales_objectives_odoo_src.pth"
    fi
    stamp=$(cksum <"$ROOT/requirements-pytest.txt")
    if [ "$(cat "$venv/.pytest-stamp" 2>/dev/null)" != "$stamp" ] \
        || ! "$venv/bin/python" -c 'import pytest_odoo, odoo' >/dev/null 2>&1; then
        say "Installing pytest-odoo (requirements-pytest.txt) into $venv"
        "$venv/bin/python" -m pip install --quiet -r "$ROOT/requirements-pytest.txt" \
            || die "Installing pytest-odoo into $venv failed (above)."
        echo "$stamp" >"$venv/.pytest-stamp"
    fi
    [ "$(_series_of_python "$venv/bin/python")" = "$ODOO_SERIES" ] \
        || die "$venv/bin/python does not import Odoo $ODOO_SERIES."
    "$venv/bin/python" -c 'import odoo, pytest_odoo' \
        || die "$venv/bin/python does not import Odoo and pytest-odoo (above)."
    PYTEST_PY="$venv/bin/python"
}

# --------------------------------------------------------------------------
# PostgreSQL
# --------------------------------------------------------------------------

_pg_bindir() {
    local d
    if command -v pg_config >/dev/null && d=$(pg_config --bindir 2>/dev/null) && [ -x "$d/initdb" ]; then
        echo "$d"; return
    fi
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then echo "$d"; return; fi
    d=$(command -v initdb 2>/dev/null) && { dirname "$d"; return; }
    return 1
}

_psql_ok() { psql -X -q -d postgres -Atc "$1" >/dev/null 2>&1; }

# Exports PGHOST/PGPORT/PGUSER so that psql and Odoo reach the same server.
ensure_postgres() {
    command -v psql >/dev/null || die "psql (the PostgreSQL client) is missing: install PostgreSQL (e.g. apt install postgresql)."

    # 1. The project's own cluster, already running.
    if PGHOST=127.0.0.1 PGPORT="$SO_PGPORT" PGUSER="$SO_PGUSER" _psql_ok 'select 1'; then
        export PGHOST=127.0.0.1 PGPORT="$SO_PGPORT" PGUSER="$SO_PGUSER"
        say "PostgreSQL: using the project's cluster on 127.0.0.1:$SO_PGPORT"
    # 2. A server the environment already points at, with a role Odoo accepts.
    elif [ -z "${SO_PRIVATE_PG:-}" ] && _psql_ok 'select 1' \
        && [ "$(psql -X -d postgres -Atc 'select current_user' 2>/dev/null)" != postgres ] \
        && [ "$(psql -X -d postgres -Atc "select rolcreatedb or rolsuper from pg_roles where rolname = current_user" 2>/dev/null)" = t ]; then
        export PGUSER="${PGUSER:-$(psql -X -d postgres -Atc 'select current_user')}"
        say "PostgreSQL: using the reachable server (${PGHOST:-local socket}${PGPORT:+:$PGPORT}) as role $PGUSER"
    # 3. Start (and if needed create) the project's own cluster.
    else
        _start_private_cluster
        export PGHOST=127.0.0.1 PGPORT="$SO_PGPORT" PGUSER="$SO_PGUSER"
    fi
    return 0
}

_start_private_cluster() {
    local bindir runas="" data
    bindir=$(_pg_bindir) || die "No PostgreSQL server binaries found (initdb, pg_ctl): install the PostgreSQL server (e.g. apt install postgresql)."

    # PostgreSQL refuses to run as root: as root, the cluster belongs to the
    # 'postgres' system account (or 'nobody'), in a folder that account can reach.
    if [ "$(id -u)" = 0 ]; then
        if getent passwd postgres >/dev/null; then runas=postgres; else runas=nobody; fi
    fi
    as_pg() { if [ -n "$runas" ]; then runuser -u "$runas" -- "$@"; else "$@"; fi; }

    data="$LOCAL_DIR/pgdata"
    local fallback
    fallback="${TMPDIR:-/var/tmp}/sales_objectives-pg-$(id -u)-$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)"
    if [ ! -f "$data/PG_VERSION" ] && [ -f "$fallback/PG_VERSION" ]; then
        data="$fallback"
    fi
    if [ ! -f "$data/PG_VERSION" ]; then
        mkdir -p "$data"
        chmod 700 "$data"
        if [ -n "$runas" ]; then
            chown "$runas" "$data"
            if ! as_pg test -w "$data"; then
                rmdir "$data"
                data="$fallback"
                mkdir -p "$data"; chmod 700 "$data"; chown "$runas" "$data"
            fi
        fi
        say "PostgreSQL: creating the project's cluster in $data (role $SO_PGUSER, port $SO_PGPORT${runas:+, run by the '$runas' account})"
        as_pg "$bindir/initdb" -D "$data" -U "$SO_PGUSER" --auth=trust -E UTF8 --locale=C >"$LOCAL_DIR/initdb.log" 2>&1 \
            || { cat "$LOCAL_DIR/initdb.log" >&2; die "initdb failed (log above)."; }
        # A throw-away development cluster: loopback only, no durability.
        as_pg tee -a "$data/postgresql.conf" >/dev/null <<CONF
# sales_objectives: project-private development cluster
listen_addresses = '127.0.0.1'
port = $SO_PGPORT
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 64
# PostgreSQL's 128 MB is for the smallest machines; a CRM of a million opportunities
# (the benchmark's W1) wants its hot pages in PostgreSQL's own cache
shared_buffers = 1GB
CONF
    fi
    say "PostgreSQL: starting the project's cluster ($data) on 127.0.0.1:$SO_PGPORT"
    as_pg "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 start >/dev/null \
        || { tail -n 20 "$data/server.log" >&2 || true; die "PostgreSQL did not start (is port $SO_PGPORT taken? set SO_PGPORT)."; }
    PGHOST=127.0.0.1 PGPORT="$SO_PGPORT" PGUSER="$SO_PGUSER" _psql_ok 'select 1' \
        || die "The project's PostgreSQL started but does not accept role $SO_PGUSER on 127.0.0.1:$SO_PGPORT."
}

# Writes .local/odoo.conf (addons path and database connection) for Odoo and for
# tools such as pytest-odoo (--odoo-config). Needs ensure_postgres and ensure_odoo.
ODOO_CONF="$LOCAL_DIR/odoo$SERIES_SUFFIX.conf"
write_odoo_conf() {
    {
        echo "[options]"
        echo "addons_path = $ODOO_ADDONS_PATH"
        echo "db_user = $PGUSER"
        echo "db_host = ${PGHOST:-False}"
        echo "db_port = ${PGPORT:-False}"
        [ -n "${PGPASSWORD:-}" ] && echo "db_password = $PGPASSWORD"
        echo "data_dir = $LOCAL_DIR/filestore$SERIES_SUFFIX"
    } >"$ODOO_CONF"
}

db_exists() { [ "$(psql -X -d postgres -Atc "select 1 from pg_database where datname = '$1'")" = 1 ]; }

drop_db() { psql -X -q -d postgres -c "DROP DATABASE IF EXISTS \"$1\" WITH (FORCE)" >/dev/null; }

# A free TCP port on 127.0.0.1 (for test HTTP servers, so two runs never clash).
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
