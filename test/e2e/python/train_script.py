# A small training script as a user writes one: logs params and a loss curve through MLflow's own fluent
# client. Run by the extension's "MLflow: Run Script" in the end-to-end suite (test/e2e/training.test.ts).
#   train_script.py --experiment NAME [--steps N] [--sleep S] [--final-loss X] [--fail-at STEP] [--trials K]
#                   [--hang-file PATH]  (waits at the last step until PATH exists, for Ctrl-C tests)
import argparse
import os
import time

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
import mlflow  # noqa: E402

p = argparse.ArgumentParser()
p.add_argument("--experiment", required=True)
p.add_argument("--steps", type=int, default=5)
p.add_argument("--sleep", type=float, default=0.3)
p.add_argument("--final-loss", type=float, default=0.25)
p.add_argument("--fail-at", type=int, default=-1)
p.add_argument("--trials", type=int, default=0)
p.add_argument("--hang", action="store_true")
a = p.parse_args()


def curve(run_steps, final):
    for step in range(run_steps):
        # decreasing towards `final` at the last step
        yield step, final + 0.1 * (run_steps - 1 - step)


mlflow.set_experiment(a.experiment)
with mlflow.start_run():
    mlflow.log_param("lr", 0.01)
    if a.trials:
        for t in range(a.trials):
            with mlflow.start_run(nested=True, run_name=f"trial-{t}"):
                mlflow.log_param("trial", t)
                for step, v in curve(a.steps, a.final_loss + t * 0.01):
                    mlflow.log_metric("val_loss", v, step=step)
                    time.sleep(a.sleep)
    else:
        for step, v in curve(a.steps, a.final_loss):
            if step == a.fail_at:
                raise RuntimeError("diverged at step %d" % step)
            mlflow.log_metric("loss", v * 1.1, step=step)
            mlflow.log_metric("val_loss", v, step=step)
            time.sleep(a.sleep)
        while a.hang:
            time.sleep(0.2)
print("training done")
