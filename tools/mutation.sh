#!/usr/bin/env bash
# Mutation testing of the pure cores (docs/reliability.md, 4d): mutmut plants small bugs in
# one module at a time and runs only the fast unit tests listed in pyproject's [tool.mutmut];
# prints, per module, how many mutants the tests killed. One worker by default (the machine
# is shared); JOBS=2 to use two.
#
#   tools/mutation.sh                      # all seven modules (about ten minutes here, one worker)
#   tools/mutation.sh pycert.common.secret # one module
#   FRESH=1 tools/mutation.sh ...          # forget earlier results (mutants/ is a cache)
set -euo pipefail
cd "$(dirname "$0")/.."
modules=("$@")
if [ ${#modules[@]} -eq 0 ]; then
    modules=(pycert.common.lineformat pycert.common.secret pycert.expiry.rules pycert.expiry.trust
             pycert.rootca.rules pycert.mpki.rules pycert.policy.models)
fi
[ "${FRESH:-0}" = 1 ] && rm -rf mutants
for module in "${modules[@]}"; do
    nice .venv/bin/mutmut run --max-children "${JOBS:-1}" "${module}.*" >/dev/null 2>&1 || true
done
.venv/bin/mutmut results --all true 2>/dev/null | .venv/bin/python tools/mutation_score.py "${modules[@]}"
