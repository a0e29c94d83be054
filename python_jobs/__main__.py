"""`python -m python_jobs`."""

from python_jobs.cli import app

app(prog_name="python -m python_jobs")
