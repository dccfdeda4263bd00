"""A WSGI app that answers how many malloc arenas its worker has once four threads allocate
at the same time (tests/test_startup.py serves it with the README's gunicorn config): glibc
gives each new thread an arena of its own up to its limit, and every arena keeps what was
freed in it."""

import ctypes
import ctypes.util
import os
import tempfile
import threading

THREADS = 4


def arenas() -> int:
    """The heaps ``malloc_info`` lists: one per arena."""
    libc = ctypes.CDLL(ctypes.util.find_library("c"))
    libc.fopen.restype = ctypes.c_void_p
    libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
    libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
    libc.fclose.argtypes = [ctypes.c_void_p]
    handle, path = tempfile.mkstemp()
    os.close(handle)
    try:
        stream = libc.fopen(path.encode(), b"w")
        libc.malloc_info(0, stream)
        libc.fclose(stream)
        with open(path, encoding="utf-8") as report:
            return report.read().count("<heap nr=")
    finally:
        os.remove(path)


def app(environ, start_response):  # type: ignore[no-untyped-def]
    together = threading.Barrier(THREADS + 1)
    kept: list[object] = []

    def allocate() -> None:
        kept.append([bytearray(4096) for _ in range(100)])
        together.wait()  # all alive at once: none hands its arena on to another
        together.wait()

    threads = [threading.Thread(target=allocate) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    together.wait()
    count = arenas()
    together.wait()
    for thread in threads:
        thread.join()
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(count).encode()]
