"""A run whose metrics are ±inf and NaN, logged by MLflow's client (a SQL store keeps ±inf as ±1.797e308).

usage: nonfinite.py TRACKING_URI EXPERIMENT_NAME -> {"experiment_id", "run_id"}
"""
import json
import math
import sys

import mlflow

uri, name = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(uri)
exp_id = mlflow.create_experiment(name)
with mlflow.start_run(experiment_id=exp_id, run_name="diverged") as run:
    mlflow.log_metric("pos_inf", math.inf)
    mlflow.log_metric("neg_inf", -math.inf)
    mlflow.log_metric("nan_metric", math.nan)
    for step, v in enumerate([1.0, 2.0, math.inf, 3.0, -math.inf, math.nan, 4.0]):
        mlflow.log_metric("loss", v, step=step)
print(json.dumps({"experiment_id": exp_id, "run_id": run.info.run_id}))
