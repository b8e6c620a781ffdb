"""A training script as users write them: a parent run (RUNNING throughout) with nested child runs
started one after another, each logging a loss curve, the parent logging its own loss per step.

usage: writer.py TRACKING_URI EXPERIMENT_NAME N_CHILDREN STEPS PAUSE_S GO_FILE
Prints one JSON line per event: {"event": "parent"|"child"|"done", "run_id": ...}. After the parent
run's first point it waits (up to 120 s) for GO_FILE to exist, so the test can open its views first.
"""
import json
import os
import sys
import time

import mlflow
from mlflow.tracking import MlflowClient

uri, name, n_children, steps, pause, go = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), sys.argv[6]
mlflow.set_tracking_uri(uri)
client = MlflowClient(tracking_uri=uri)
exp_id = mlflow.create_experiment(name)


def say(**kw):
    print(json.dumps(kw), flush=True)


with mlflow.start_run(experiment_id=exp_id, run_name="sweep") as parent:
    mlflow.log_param("children", n_children)
    mlflow.log_metric("loss", 1.0, step=0)
    say(event="parent", run_id=parent.info.run_id)
    deadline = time.time() + 120
    while not os.path.exists(go) and time.time() < deadline:
        time.sleep(0.1)
    gstep = 1
    for c in range(n_children):
        with mlflow.start_run(experiment_id=exp_id, run_name=f"trial-{c}", nested=True) as child:
            mlflow.log_param("lr", 10 ** -(c + 1))
            say(event="child", run_id=child.info.run_id)
            for s in range(steps):
                mlflow.log_metric("loss", 1.0 / (s + 1) + c, step=s)
                client.log_metric(parent.info.run_id, "loss", 1.0 / (gstep + 1), step=gstep)
                gstep += 1
                time.sleep(pause)
    mlflow.log_metric("final", 0.5)
say(event="done", run_id=parent.info.run_id)
