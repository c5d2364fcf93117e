"""What every capability shares: the data model, typed errors with exit codes, the
renderers (JSON, the Intune summary line and its grammar), bounded file reads, HTTPS
downloads, the run log, secrets and the result file. Nothing here knows a capability."""
