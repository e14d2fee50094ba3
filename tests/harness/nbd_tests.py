"""nbd_tests.py - (being written) tests of the network stack's nbd part.

NBD_SPECS: kernel tests (KTEST) and what the harness needs to know about
them, in the form specs.py uses ("net": True gives the boot an e1000).
NBD_TESTS: harness tests, each a function (log_path) -> None on pass or a
reason.
"""
NBD_SPECS = {}
NBD_TESTS = {}
