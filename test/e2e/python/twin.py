"""Twin runs for the write flows: the extension changes run A, MLflow's own client makes the same
change to run B, and both are read back through MLflow's client (plus what its store keeps on disk).

usage: twin.py URI create EXPERIMENT_NAME              -> {"a": RUN_ID, "b": RUN_ID}
       twin.py URI op RUN_A RUN_B BACKEND OP [ARGS...]  -> {"a": STATE, "b": STATE} after OP on B
OP: none | rename NAME | set_tag KEY VALUE | delete_tag KEY | note TEXT | log_artifact PATH DIR |
    delete | restore.  BACKEND: the store URI behind URI (sqlite:///..., postgresql://..., or the
    mlruns folder of a file store) for deleted_time, which MLflow's REST API does not return.
"""
import hashlib
import json
import os
import sys
import tempfile

import mlflow
from mlflow.tracking import MlflowClient

uri, cmd = sys.argv[1], sys.argv[2]
mlflow.set_tracking_uri(uri)  # mlflow-artifacts: URIs resolve against the global tracking URI
client = MlflowClient(tracking_uri=uri)


def create(name):
    exp = client.create_experiment(name)
    ids = {}
    for which in ("a", "b"):
        run = client.create_run(exp, run_name="twin", tags={"team": "e2e", "mlflow.source.name": "twin.py", "mlflow.user": "e2e"})
        client.log_param(run.info.run_id, "lr", "0.01")
        client.log_metric(run.info.run_id, "loss", 0.5, step=1)
        ids[which] = run.info.run_id
    return ids


def artifacts(run_id, path=None):
    out = []
    for f in client.list_artifacts(run_id, path):
        row = {"path": f.path, "is_dir": f.is_dir, "file_size": f.file_size}
        if f.is_dir:
            out.extend(artifacts(run_id, f.path))
        else:
            with tempfile.TemporaryDirectory() as d:
                local = client.download_artifacts(run_id, f.path, d)
                with open(local, "rb") as fh:
                    row["sha256"] = hashlib.sha256(fh.read()).hexdigest()
        out.append(row)
    return sorted(out, key=lambda r: r["path"])


def stored(backend, run):
    """What the store itself keeps beyond the REST API: deleted_time (and a file store's meta.yaml)."""
    if backend.startswith(("sqlite:", "postgresql:")):
        import sqlalchemy

        eng = sqlalchemy.create_engine(backend)
        with eng.connect() as c:
            row = c.execute(sqlalchemy.text("SELECT lifecycle_stage, deleted_time, name FROM runs WHERE run_uuid = :r"), {"r": run.info.run_id}).one()
        eng.dispose()
        return {"lifecycle_stage": row[0], "deleted_time": row[1], "name": row[2]}
    import yaml

    with open(os.path.join(backend, run.info.experiment_id, run.info.run_id, "meta.yaml")) as fh:
        meta = yaml.safe_load(fh)
    return {"lifecycle_stage": meta.get("lifecycle_stage"), "deleted_time": meta.get("deleted_time"), "name": meta.get("run_name"), "meta_keys": sorted(meta)}


def state(run_id, backend):
    r = client.get_run(run_id)
    return {
        "run_name": r.info.run_name,
        "status": r.info.status,
        "lifecycle_stage": r.info.lifecycle_stage,
        "has_end_time": r.info.end_time is not None,
        "params": dict(r.data.params),
        "metrics": dict(r.data.metrics),
        "tags": dict(r.data.tags),
        "artifacts": artifacts(run_id) if r.info.lifecycle_stage == "active" else None,
        "stored": stored(backend, r),
    }


if cmd == "create":
    print(json.dumps(create(sys.argv[3])))
    sys.exit(0)

run_a, run_b, backend, op, args = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6], sys.argv[7:]
if op == "rename":
    client.update_run(run_b, name=args[0])
elif op == "set_tag":
    client.set_tag(run_b, args[0], args[1])
elif op == "delete_tag":
    client.delete_tag(run_b, args[0])
elif op == "note":
    client.set_tag(run_b, "mlflow.note.content", args[0])
elif op == "log_artifact":
    client.log_artifact(run_b, args[0], args[1])
elif op == "delete":
    client.delete_run(run_b)
elif op == "restore":
    client.restore_run(run_b)
elif op != "none":
    sys.exit(f"unknown op {op}")
print(json.dumps({"a": state(run_a, backend), "b": state(run_b, backend)}))
