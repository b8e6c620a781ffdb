"""Everything MLflow's own client says about the runs of one experiment, as JSON.

usage: snapshot.py TRACKING_URI EXPERIMENT_NAME [--histories]
"""
import json
import sys

from mlflow.entities import ViewType
from mlflow.tracking import MlflowClient

uri, name = sys.argv[1], sys.argv[2]
histories = "--histories" in sys.argv
client = MlflowClient(tracking_uri=uri)
exp = client.get_experiment_by_name(name)
out = {"experiment_id": exp.experiment_id if exp else None, "runs": []}
if exp:
    token = None
    while True:
        page = client.search_runs([exp.experiment_id], run_view_type=ViewType.ALL, max_results=1000, page_token=token)
        for r in page:
            run = {
                "run_id": r.info.run_id,
                "run_name": r.info.run_name,
                "status": r.info.status,
                "lifecycle_stage": r.info.lifecycle_stage,
                "start_time": r.info.start_time,
                "end_time": r.info.end_time,
                "params": dict(r.data.params),
                "metrics": dict(r.data.metrics),
                "tags": dict(r.data.tags),
            }
            if histories:
                run["history"] = {
                    k: sorted([m.step, m.timestamp, m.value] for m in client.get_metric_history(r.info.run_id, k))
                    for k in r.data.metrics
                }
            out["runs"].append(run)
        token = page.token
        if not token:
            break
print(json.dumps(out))
