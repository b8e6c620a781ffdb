"""Logs a small scikit-learn model with MLflow's own client, registers it and points an alias at it.

usage: log_model.py TRACKING_URI MODEL_NAME ALIAS OUT_DIR
  -> {"run_id", "model_uri", "version", "input_csv", "input_json", "expected"}
MLflow 3 logs a logged model (models:/m-<id>), MLflow 2 a run artifact (runs:/<run>/model). OUT_DIR gets
input.csv and input.json (dataframe_split) with five rows, and `expected` is what the model predicts for them.
"""
import json
import os
import pathlib
import sys

import mlflow
from sklearn.datasets import load_iris
from sklearn.linear_model import LogisticRegression

uri, name, alias, out = sys.argv[1:5]
# given, not inferred: inference asks the package index, which an offline machine waits on (--env-manager local
# never installs them anyway)
REQS = ["mlflow", "scikit-learn"]
mlflow.set_tracking_uri(uri)
# test/e2e/python/runner.py runs every script in one process: no chdir, no active experiment left behind; the
# artifacts go beside the database (the client's default would be ./mlruns of the current directory)
exp_id = mlflow.MlflowClient().create_experiment("e2e-models", artifact_location=pathlib.Path(out).parent.joinpath("mlruns").as_uri())
X, y = load_iris(return_X_y=True, as_frame=True)
clf = LogisticRegression(max_iter=300).fit(X, y)
rows = X.iloc[[0, 50, 100, 75, 149]]
with mlflow.start_run(experiment_id=exp_id, run_name="iris-logreg") as run:
    mlflow.log_param("max_iter", 300)
    if int(mlflow.__version__.split(".")[0]) >= 3:
        info = mlflow.sklearn.log_model(clf, name="model", registered_model_name=name, input_example=X.head(3), pip_requirements=REQS)
    else:
        info = mlflow.sklearn.log_model(clf, artifact_path="model", registered_model_name=name, input_example=X.head(3), pip_requirements=REQS)
mlflow.MlflowClient().set_registered_model_alias(name, alias, info.registered_model_version)
os.makedirs(out, exist_ok=True)
rows.to_csv(os.path.join(out, "input.csv"), index=False)
split = rows.to_dict(orient="split")
with open(os.path.join(out, "input.json"), "w") as f:
    json.dump({"dataframe_split": {"columns": split["columns"], "data": split["data"]}}, f)
print(json.dumps({
    "run_id": run.info.run_id,
    "model_uri": info.model_uri,
    "version": str(info.registered_model_version),
    "input_csv": os.path.join(out, "input.csv"),
    "input_json": os.path.join(out, "input.json"),
    "expected": [int(v) for v in clf.predict(rows)],
}))
