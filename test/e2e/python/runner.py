"""Runs the other scripts of this folder in ONE Python process (MLflow imported once), one request
per stdin line: {"script": "twin.py", "args": [...], "env": {...}} -> one stdout line
{"ok": true, "out": "<what the script printed>"} or {"ok": false, "error": "<traceback>"}.
"""
import contextlib
import io
import json
import os
import runpy
import sys
import traceback

import mlflow  # noqa: F401  (the point: imported once)

here = os.path.dirname(os.path.abspath(__file__))
real_stdout = sys.stdout
for line in sys.stdin:
    if not line.strip():
        continue
    req = json.loads(line)
    saved_env = dict(os.environ)
    os.environ.update(req.get("env") or {})
    sys.argv = [os.path.join(here, req["script"])] + list(req.get("args") or [])
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            try:
                runpy.run_path(sys.argv[0], run_name="__main__")
            except SystemExit as e:
                if e.code not in (None, 0):
                    raise RuntimeError(f"exit {e.code}") from e
        res = {"ok": True, "out": out.getvalue()}
    except BaseException:  # noqa: BLE001 - reported to the test
        res = {"ok": False, "error": out.getvalue()[-2000:] + traceback.format_exc()[-6000:]}
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    real_stdout.write(json.dumps(res) + "\n")
    real_stdout.flush()
