"""Hooks for the replication run (tests/replicate_notebooks.py): when ``BOOK_REPLICATE_ALL``
is set (``make test``), the run fails unless every notebook of the table of contents was
executed and passed, so it cannot be satisfied by deselecting or skipping notebooks."""

import os

PASSED = set()


def pytest_runtest_logreport(report):
    # on the xdist controller too: workers forward their reports
    if "replicate_notebooks.py::test_notebook_replicates" in report.nodeid:
        if report.when == "call" and report.passed:
            PASSED.add(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if not os.environ.get("BOOK_REPLICATE_ALL") or hasattr(session.config, "workerinput"):
        return
    from replicate_notebooks import NOTEBOOKS
    if len(PASSED) < len(NOTEBOOKS):
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        message = (f"replication run: {len(PASSED)} of the {len(NOTEBOOKS)} notebooks in "
                   f"_toc.yml executed and passed; every one must")
        if reporter:
            reporter.write_sep("=", message, red=True)
        session.exitstatus = 1
