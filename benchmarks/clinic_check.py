"""How long a clinic check takes: `clinic.check` retrains the fixed configuration on three
seeds, and issue 18 wants a check to take at most 5 s on the CI machine. Prints, for every fault,
the wall and CPU time of one check with its canonical fix (one BLAS thread, as `make test`).

    OPENBLAS_NUM_THREADS=1 .venv/bin/python benchmarks/clinic_check.py
"""

import contextlib
import io
import time

from npnet_book import clinic
from npnet_book.clinic import _BY_NAME


def main():
    clinic._data("standardised"), clinic._data("raw")        # load the digits once
    print(f"{'fault':24s} {'wall s':>7s} {'cpu s':>7s}  verdict")
    worst = 0.0
    for name in clinic.FAULTS:
        case = clinic.case(fault=name)
        fix = _BY_NAME[name].fix
        wall, cpu = time.perf_counter(), time.process_time()
        with contextlib.redirect_stdout(io.StringIO()):
            ok = clinic.check(case, fault=name, fix=lambda c: c.replace(**fix))
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        worst = max(worst, wall)
        print(f"{name:24s} {wall:7.2f} {cpu:7.2f}  {'Correct' if ok else 'Not yet'}")
    print(f"slowest check: {worst:.2f} s wall (budget 5 s)")


if __name__ == "__main__":
    main()
