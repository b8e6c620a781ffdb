"""Creates an experiment with finished runs through MLflow's client, as a user's script would.

usage: seed.py TRACKING_URI EXPERIMENT_NAME N_RUNS   -> {"experiment_id", "run_ids": [...]}
"""
import json
import sys

import mlflow

uri, name, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
mlflow.set_tracking_uri(uri)
exp_id = mlflow.create_experiment(name)
ids = []
for i in range(n):
    with mlflow.start_run(experiment_id=exp_id, run_name=f"seed-{i}") as run:
        mlflow.log_param("i", i)
        mlflow.set_tag("origin", "seed.py")
        for step in range(3):
            mlflow.log_metric("loss", 1.0 / (i + step + 1), step=step)
        ids.append(run.info.run_id)
print(json.dumps({"experiment_id": exp_id, "run_ids": ids}))
