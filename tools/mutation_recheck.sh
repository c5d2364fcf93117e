#!/usr/bin/env bash
# Re-run the mutants mutmut left alive in one module against test files given here, without
# a new mutmut run (tests changed since: mutmut does not re-check survivors then). Uses
# mutmut's own mutants/ copy and its MUTANT_UNDER_TEST switch; prints the mutants that
# still pass every test. A test run longer than 60 s counts as caught (a timeout).
#
#   tools/mutation_recheck.sh pycert.common.secret tests/unit/test_secret.py
set -uo pipefail
cd "$(dirname "$0")/.."
module=$1; shift
for test in "$@"; do cp "$test" "mutants/$test"; done
names=$(.venv/bin/mutmut results 2>/dev/null | grep "$module\." | grep -v "not checked" | awk -F: '{print $1}' | tr -d ' ')
alive=0; total=0
cd mutants
for name in $names; do
    total=$((total + 1))
    result=$(MUTANT_UNDER_TEST=$name timeout 60 ../.venv/bin/python -m pytest -x -q -p no:cacheprovider \
             --hypothesis-profile=mutation "$@" 2>&1 | tail -1)
    case "$result" in
        *failed*|*error*|"") ;;
        *passed*) alive=$((alive + 1)); echo "  alive: $name" ;;
        *) ;;  # killed by the timeout: caught
    esac
done
echo "$module: $alive of the $total mutants mutmut left are still alive"
