import * as vscode from 'vscode';

export interface Settings {
  trackingUri: string;
  runsPageSize: number;
  autoRefreshInterval: number;
  primaryMetric: string;
  codeLensEnabled: boolean;
  cliPath: string;
  requestTimeout: number;
  caFile: string;
  insecure: boolean;
  showSystemTags: boolean;
}

export function readSettings(scope?: vscode.ConfigurationScope): Settings {
  const c = vscode.workspace.getConfiguration('mlflow', scope);
  return {
    trackingUri: c.get<string>('trackingUri', '').trim(),
    runsPageSize: clamp(c.get<number>('runsPageSize', 100), 1, 1000),
    autoRefreshInterval: Math.max(0, c.get<number>('autoRefreshInterval', 10)),
    primaryMetric: c.get<string>('primaryMetric', '').trim(),
    codeLensEnabled: c.get<boolean>('codeLens.enabled', true),
    cliPath: c.get<string>('cliPath', '').trim(),
    requestTimeout: Math.max(1, c.get<number>('requestTimeout', 30)),
    caFile: c.get<string>('tls.caFile', '').trim(),
    insecure: c.get<boolean>('tls.insecure', false),
    showSystemTags: c.get<boolean>('showSystemTags', true),
  };
}

function clamp(n: number, lo: number, hi: number): number {
  return Number.isFinite(n) ? Math.min(hi, Math.max(lo, Math.round(n))) : lo;
}

/** The proxy VS Code is configured with (http.proxy), else undefined (the REST layer then reads HTTPS_PROXY/NO_PROXY). */
export function vscodeProxy(): string | undefined {
  const p = vscode.workspace.getConfiguration('http').get<string>('proxy', '').trim();
  return p || undefined;
}
