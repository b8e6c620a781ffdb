"""The run edits the SQLite store test makes through the extension's store, made by MLflow's client.

usage: run_edits.py TRACKING_URI RUN_ID OPS_JSON
OPS_JSON: a list of [op, *args] with op one of set_tag KEY VALUE | delete_tag KEY | rename NAME |
delete | restore, applied in order. Prints {"done": <number of ops>}.
"""
import json
import sys

from mlflow.tracking import MlflowClient

uri, run, ops = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
client = MlflowClient(tracking_uri=uri)
for op, *args in ops:
    if op == "set_tag":
        client.set_tag(run, args[0], args[1])
    elif op == "delete_tag":
        client.delete_tag(run, args[0])
    elif op == "rename":
        client.update_run(run, name=args[0])
    elif op == "delete":
        client.delete_run(run)
    elif op == "restore":
        client.restore_run(run)
    else:
        sys.exit(f"unknown op {op}")
print(json.dumps({"done": len(ops)}))
