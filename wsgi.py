"""WSGI entry point for gunicorn and the flask CLI."""

import gc

from volunteer_hub import create_app

app = create_app()
# Everything loaded at start-up lives as long as the process: keep it out of the garbage collector's sweeps,
# which otherwise show up as latency spikes in requests.
gc.collect()
gc.freeze()
