"""A WSGI app that leaves freed memory in its worker's C heap and answers its resident size
(tests/test_bench_settings.py serves it with the README's gunicorn config).

``/fragment`` allocates 40,000 blocks of 2 KB (past pymalloc's 512 bytes: glibc's malloc
serves them; ``?blocks=N`` another number), keeps one in ten and frees the rest: holes of 18 KB
that glibc keeps in its heap (only a free top is given back on its own). Any path answers the
worker's VmRSS in kB (``/fragment`` after its allocations, before any trim).
"""

_kept: list[bytes] = []


def _resident_kb() -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def app(environ, start_response):  # type: ignore[no-untyped-def]
    if environ.get("PATH_INFO") == "/fragment":
        query = environ.get("QUERY_STRING", "")
        count = int(query.removeprefix("blocks=")) if query.startswith("blocks=") else 40_000
        blocks = [bytes(2048) for _ in range(count)]
        _kept.extend(blocks[::10])
        del blocks
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(_resident_kb()).encode()]
