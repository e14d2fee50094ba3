"""net_tests.py - (being written) tests of the network stack's net part.

NET_SPECS: kernel tests (KTEST) and what the harness needs to know about
them, in the form specs.py uses ("net": True gives the boot an e1000).
NET_TESTS: harness tests, each a function (log_path) -> None on pass or a
reason.
"""
NET_SPECS = {}
NET_TESTS = {}
