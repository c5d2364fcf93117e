"""Windows-only code: crypt32 through ctypes (crypt32.py, the one ctypes user) and user
notifications (notify.py). Imported only on Windows or by tests that mock the DLLs."""
