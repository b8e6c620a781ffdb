"""A training loop writing to a run through MLflow's client while the test's store works on it.

usage: log_steps.py TRACKING_URI RUN_ID N
For i in 0..N-1: metric "conc" = i / 10 at step i, then tag "writer.<i>" = i (one client call each).
Prints {"done": N}.
"""
import json
import sys

from mlflow.tracking import MlflowClient

uri, run, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
client = MlflowClient(tracking_uri=uri)
for i in range(n):
    client.log_metric(run, "conc", i / 10, step=i)
    client.set_tag(run, "writer." + str(i), str(i))
print(json.dumps({"done": n}))
