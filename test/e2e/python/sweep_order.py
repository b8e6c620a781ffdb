"""A sweep whose metric has NaN, ±inf, ties and missing values, and MLflow's own order_by answer for it.

usage: sweep_order.py TRACKING_URI EXPERIMENT_NAME -> {"experiment_id", "asc": [run ids], "desc": [run ids]}
"""
import json
import math
import sys

import mlflow

uri, name = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(uri)
client = mlflow.MlflowClient()
exp_id = client.create_experiment(name)
values = [0.5, math.nan, 0.1, math.inf, None, 0.5, -math.inf, 2.0, None, math.nan, -1.0]
for i, v in enumerate(values):
    with mlflow.start_run(experiment_id=exp_id, run_name=f"sweep-{i}"):
        mlflow.log_param("lr", 10 ** -(i % 4))
        if v is not None:
            mlflow.log_metric("score", v)
        mlflow.log_metric("other", i)


def order(direction):
    runs = client.search_runs([exp_id], order_by=[f"metrics.score {direction}"], max_results=1000)
    return [r.info.run_id for r in runs]


print(json.dumps({"experiment_id": exp_id, "asc": order("ASC"), "desc": order("DESC")}))
