export const Views = {
  experiments: 'mlflow.experiments',
  models: 'mlflow.models',
} as const;

export const ContextKeys = {
  state: 'mlflow.state',
  showDeleted: 'mlflow.showDeleted',
  runFilterActive: 'mlflow.runFilterActive',
} as const;

export type ConnectionStateName = 'noStore' | 'connecting' | 'connected' | 'error';

export const SecretKeys = {
  credentials: (uri: string) => `mlflow.credentials:${uri}`,
} as const;
