"""A WSGI app that leaves freed memory in its worker's C heap and answers its resident size
(tests/test_bench_settings.py serves it with the README's gunicorn config).

``/fragment`` allocates 40,000 blocks of 2 KB (past pymalloc's 512 bytes: glibc's malloc
serves them), keeps one in ten and frees the rest: holes of 18 KB that glibc keeps in its heap
(only a free top is given back on its own). Any other path answers the worker's VmRSS in kB.
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
        blocks = [bytes(2048) for _ in range(40_000)]
        _kept.extend(blocks[::10])
        del blocks
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(_resident_kb()).encode()]
