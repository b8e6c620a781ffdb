"""Runs for mlflow gc, and what MLflow's client says about runs afterwards.

usage: runs.py TRACKING_URI seed EXPERIMENT N_ACTIVE N_DELETED -> {"experiment_id", "active": [...], "deleted": [...]}
       runs.py TRACKING_URI state RUN_ID...                    -> {"<run_id>": "active" | "deleted" | "gone"}
"""
import json
import os
import pathlib
import sys

import mlflow
from mlflow.exceptions import MlflowException

uri, what = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(uri)
client = mlflow.MlflowClient()
if what == "seed":
    # artifacts beside a SQLite database (runner.py shares one process and its current directory with every script)
    root = os.path.dirname(uri[len("sqlite:///"):]) if uri.startswith("sqlite:///") else None
    exp_id = client.create_experiment(sys.argv[3], artifact_location=pathlib.Path(root, "mlruns-gc").as_uri() if root else None)
    n_active, n_deleted = int(sys.argv[4]), int(sys.argv[5])
    out = {"experiment_id": exp_id, "active": [], "deleted": []}
    for i in range(n_active + n_deleted):
        with mlflow.start_run(experiment_id=exp_id, run_name=f"gc-{i}") as r:
            mlflow.log_metric("m", i)
            mlflow.log_text("artifact", "note.txt")
        if i < n_active:
            out["active"].append(r.info.run_id)
        else:
            client.delete_run(r.info.run_id)
            out["deleted"].append(r.info.run_id)
    print(json.dumps(out))
else:
    state = {}
    for run_id in sys.argv[3:]:
        try:
            state[run_id] = client.get_run(run_id).info.lifecycle_stage
        except MlflowException:
            state[run_id] = "gone"
    print(json.dumps(state))
