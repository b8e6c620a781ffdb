// A generator of realistic Python training scripts, for the scanner's tests and benchmark.

/** Small deterministic PRNG (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const HEADER = `#!/usr/bin/env python
# -*- coding: utf-8 -*-
"""Training script for the iris / tabular / vision experiments.

Usage: python train.py --lr 0.01  (logs with mlflow.log_metric("val_loss", ...) to the tracking server)
"""
from __future__ import annotations

import argparse
import json
import logging
import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

import numpy as np
import pandas as pd
import torch
import torch.nn as nn
from sklearn.ensemble import RandomForestClassifier
from sklearn.metrics import accuracy_score, f1_score

import mlflow
import mlflow.sklearn
import mlflow.pytorch
from mlflow import MlflowClient, log_metric, log_param as lp
from mlflow.models import infer_signature

logger = logging.getLogger(__name__)
TRACKING_URI = os.environ.get("MLFLOW_TRACKING_URI", "http://localhost:5000")
mlflow.set_tracking_uri(TRACKING_URI)
mlflow.set_tracking_uri("sqlite:///mlflow.db")
mlflow.set_experiment("iris-classification")
mlflow.autolog(log_models=False)
mlflow.sklearn.autolog()
client = MlflowClient()
`;

/** One block of code (~50 lines) with a handful of MLflow calls; `k` varies names. */
function block(k: number, r: () => number): string {
  const lr = (r() * 0.1).toFixed(4);
  return `

@dataclass
class Config${k}:
    """Hyper-parameters of model ${k}.

    Note: values are logged with \`mlflow.log_params({...})\` at the start of each run.
    """
    lr: float = ${lr}
    epochs: int = ${1 + Math.floor(r() * 50)}
    hidden: List[int] = field(default_factory=lambda: [64, 32])
    name: str = 'model-${k}'  # mlflow.set_tag("ignored", 1) in a comment


class Trainer${k}(nn.Module):
    def __init__(self, cfg: Config${k}) -> None:
        super().__init__()
        self.cfg = cfg
        self.layers = nn.Sequential(nn.Linear(4, cfg.hidden[0]), nn.ReLU(), nn.Linear(cfg.hidden[0], 3))
        self.client = MlflowClient(tracking_uri=TRACKING_URI)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)

    def fit(self, loader, val_loader) -> Dict[str, float]:
        opt = torch.optim.Adam(self.parameters(), lr=self.cfg.lr)
        with mlflow.start_run(run_name=f"trainer-${k}", nested=True) as run:
            mlflow.log_params({"lr": self.cfg.lr, "epochs": self.cfg.epochs, "hidden": str(self.cfg.hidden)})
            lp("seed_${k}", 42)
            mlflow.set_tags({"team": "vision", 'stage': "dev", **extra_tags})
            for epoch in range(self.cfg.epochs):
                total = 0.0
                for xb, yb in loader:
                    opt.zero_grad()
                    loss = nn.functional.cross_entropy(self(xb), yb)
                    loss.backward()
                    opt.step()
                    total += loss.item()
                mlflow.log_metric("train_loss", total / len(loader), step=epoch)
                log_metric("val_loss", self.evaluate(val_loader), step=epoch)
                mlflow.log_metrics(
                    {
                        "val_acc": self.accuracy(val_loader),
                        f"lr_group_{epoch}": opt.param_groups[0]["lr"],  # dynamic key
                    },
                    step=epoch,
                )
                logger.info(f"epoch {epoch}: loss={total:.4f} uri={mlflow.get_tracking_uri()!r}")
            self.client.log_metric(run.info.run_id, "final_loss", total)
            mlflow.pytorch.log_model(self, name="trainer-${k}", registered_model_name='trainer-${k}')
            mlflow.log_artifact("outputs/confusion_${k}.png", artifact_path="plots")
        return {"loss": total, 'name': "mlflow.log_metric(\\"not a call\\")"}

    def evaluate(self, loader) -> float:
        # Evaluate: mlflow.log_metric("val_loss", x) is called by fit()
        with torch.no_grad():
            return float(np.mean([nn.functional.cross_entropy(self(x), y).item() for x, y in loader]))


def train_forest_${k}(X: pd.DataFrame, y: pd.Series) -> RandomForestClassifier:
    params = dict(n_estimators=${10 + Math.floor(r() * 200)}, max_depth=${1 + Math.floor(r() * 12)}, random_state=0)
    with mlflow.start_run(run_name="forest-${k}"):
        mlflow.log_params(params)
        model = RandomForestClassifier(**params).fit(X, y)
        pred = model.predict(X)
        mlflow.log_metric('accuracy', accuracy_score(y, pred))
        mlflow.log_metric("f1", f1_score(y, pred, average="macro"))
        signature = infer_signature(X, pred)
        info = mlflow.sklearn.log_model(model, "forest-${k}", signature=signature)
        mlflow.register_model(info.model_uri, "forest-${k}")
        mlflow.log_dict(json.loads('{"a": 1}'), "meta.json")
    return model
`;
}

/** A realistic Python training script of about `lines` lines. */
export function trainingScript(lines: number, seed = 1): string {
  const r = rng(seed);
  let out = HEADER;
  let k = 0;
  while (out.split('\n').length < lines) out += block(k++, r);
  const all = out.split('\n');
  return all.slice(0, lines).join('\n') + '\n';
}

/** Deeply nested or repetitive sources that would make a non-linear scanner crawl or overflow its stack. */
export const PATHOLOGICAL_SOURCES: readonly string[] = [
  'import mlflow\n' + '('.repeat(200_000),
  'import mlflow\n' + 'mlflow.log_metric('.repeat(20_000),
  'import mlflow\n' + 'mlflow.log_metric(mlflow.get_tracking_uri(), '.repeat(10_000) + ')'.repeat(10_000),
  'import mlflow\nx = ' + 'f"{'.repeat(30_000) + '"}'.repeat(30_000),
  'import mlflow\nx = f"""' + '{f"""{'.repeat(20_000),
  'import mlflow\n' + 'mlflow.log_metrics({' + '"k": {'.repeat(20_000),
  'import mlflow\n' + 'mlflow.log_params(dict(' + 'dict('.repeat(20_000),
  'from mlflow import *\n' + 'log_metric('.repeat(20_000),
  'import mlflow\n' + '"\\'.repeat(50_000),
  'import mlflow\n' + 'mlflow' + '.mlflow'.repeat(50_000) + '()',
  'import mlflow\nprint(f"{mlflow.get_tracking_uri()}")\n'.repeat(5_000),
];
