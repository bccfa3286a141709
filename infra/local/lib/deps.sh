# shellcheck shell=bash
# System-dependency helpers shared by infra/local/crm-infra and
# .ci/install-system-deps. Sourced, never executed.
#
# Policy: when a tool is missing we install the Debian package ourselves if we
# are root and apt-get exists (CI machines and dev containers are fresh Debian
# boxes with no Docker); otherwise we stop with a message naming the package.

# Packages installed by this process, reported by the callers.
DEPS_INSTALLED=()
_DEPS_APT_UPDATED=0

deps_die() {
  echo "crm-infra: $*" >&2
  exit 1
}

deps_can_apt() {
  [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null 2>&1
}

# apt_install WHY PKG...   (WHY is the human explanation used on failure)
apt_install() {
  local why="$1"
  shift
  if ! deps_can_apt; then
    deps_die "$why: install it with 'sudo apt-get install -y $*' (not root or no apt-get, so not installing it myself)"
  fi
  if [[ "$_DEPS_APT_UPDATED" == 0 ]]; then
    echo "crm-infra: apt-get update (needed to install: $*)" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2 || deps_die "apt-get update failed; cannot install $*"
    _DEPS_APT_UPDATED=1
  fi
  echo "crm-infra: apt-get install $*" >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 \
    || deps_die "$why: 'apt-get install $*' failed"
  DEPS_INSTALLED+=("$@")
}

# A headless JDK 17 if Debian still has one (bookworm), else the distribution's
# default JDK (trixie ships 21, which runs Kafka 3.9 fine).
_jdk_package() {
  if apt-cache show openjdk-17-jdk-headless >/dev/null 2>&1; then
    echo openjdk-17-jdk-headless
  else
    echo default-jdk-headless
  fi
}

# java + javac (javac compiles the mongo-wire launcher at `up` time).
ensure_jdk() {
  if command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1; then
    return 0
  fi
  local what="java"
  command -v java >/dev/null 2>&1 && what="javac"
  if deps_can_apt; then
    apt_install "$what not found: a JDK 17 is needed" "$(_jdk_package)"
  else
    deps_die "$what not found: install a JDK 17 (apt-get install openjdk-17-jdk-headless)"
  fi
  command -v java >/dev/null 2>&1 && command -v javac >/dev/null 2>&1 \
    || deps_die "java/javac still not on PATH after installing a JDK"
}

ensure_maven() {
  command -v mvn >/dev/null 2>&1 && return 0
  apt_install "mvn not found: Maven fetches the Kafka and mongo-java-server jars (apt-get install maven)" maven
  command -v mvn >/dev/null 2>&1 || deps_die "mvn still not on PATH after installing maven"
}

# Prints the directory holding initdb/pg_ctl/postgres, or nothing.
# CRM_PG_BINDIR wins; then Debian's versioned dirs (newest first); then PATH.
find_pg_bindir() {
  if [[ -n "${CRM_PG_BINDIR:-}" ]]; then
    echo "$CRM_PG_BINDIR"
    return 0
  fi
  local d
  for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -rn); do
    if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then
      echo "$d"
      return 0
    fi
  done
  if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
    dirname "$(command -v initdb)"
  fi
}

ensure_postgres() {
  [[ -n "$(find_pg_bindir)" ]] && return 0
  # Debian's `postgresql` metapackage pulls the distribution's current major.
  apt_install "PostgreSQL server binaries (initdb, pg_ctl) not found (apt-get install postgresql)" postgresql
  [[ -n "$(find_pg_bindir)" ]] || deps_die "initdb still not found after installing postgresql"
}

# Headless Chromium for the analytics dashboard's browser test (driven by playwright-core).
find_chromium() {
  local c
  for c in chromium chromium-browser; do
    command -v "$c" >/dev/null 2>&1 && { command -v "$c"; return 0; }
  done
  return 1
}

ensure_chromium() {
  find_chromium >/dev/null && return 0
  apt_install "chromium not found: the dashboard test drives a headless browser (apt-get install chromium)" chromium
  find_chromium >/dev/null || deps_die "chromium still not on PATH after installing it"
}
