"""Sample certificates (for the demo, the tests and the benchmarks) and the throw-away
sandbox store of `pycert demo`."""
