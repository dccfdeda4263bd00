"""The ceiling of the load bench: Flask's hello world, served by the same gunicorn settings.

Every page of Quizapp is measured against this one in the same run (bench/load_bench.py):
what no Flask page under this server can beat on this machine at this minute.
"""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    """Two words, no template, no database."""
    return "Hello, World!"
