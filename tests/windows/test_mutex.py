"""platform/windows/mutex.py on a real Windows: the lock is exclusive, and a run of another
account (SYSTEM, through a scheduled task) that holds it makes this user's run wait, then
proceed: never ERROR_ACCESS_DENIED (defect 2 of issue 14)."""

from __future__ import annotations

import subprocess
import sys
import time
import uuid

from tests.windows.conftest import run_as_system


def test_a_second_process_is_busy_while_the_first_holds_it():
    from pycert.platform.windows import mutex

    name = f"Global\\PyCert-CI-{uuid.uuid4().hex[:8]}"
    with mutex.named_mutex(name, 5):
        other = subprocess.run([sys.executable, "-c", (
            "import sys\nfrom pycert.common.errors import LockBusy\nfrom pycert.platform.windows import mutex\n"
            f"try:\n    mutex.named_mutex({name!r}, 1).__enter__()\nexcept LockBusy:\n    sys.exit(7)\n")])
        assert other.returncode == 7  # LockBusy in the other process: busy, not an error


def test_a_system_run_holding_the_lock_makes_the_user_wait_then_proceed(tmp_path):
    from pycert.platform.windows import mutex

    name = f"Global\\PyCert-CI-{uuid.uuid4().hex[:8]}"
    flag = run_as_system(tmp_path, (
        "import time\nfrom pycert.platform.windows import mutex\n"
        f"with mutex.named_mutex({name!r}, 30):\n"
        "    open(OUT, 'w').write('held')\n"
        "    time.sleep(15)\n"
    ))
    started = time.monotonic()
    with mutex.named_mutex(name, 120):
        waited = time.monotonic() - started
    assert 3 < waited < 60  # it waited for SYSTEM's run, then got the lock
    flag.unlink(missing_ok=True)
