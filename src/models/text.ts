// Pure text helpers of the model commands (names of terminals, paths). No `vscode` import.

/** A model URI short enough for a terminal tab: the last 40 characters. */
export function shortTarget(uri: string, max = 40): string {
  const u = uri.trim();
  return u.length <= max ? u : `…${u.slice(-(max - 1))}`;
}

/** Terminal / task names, one per action (model servers and UIs: one per running server). */
export function slotName(action: 'serve' | 'predict' | 'build-docker' | 'generate-dockerfile' | 'gc' | 'ui' | 'install', target?: string, port?: number): string {
  switch (action) {
    case 'serve':
      return `MLflow: Serve ${shortTarget(target ?? 'model')}${port ? ` :${port}` : ''}`;
    case 'ui':
      return `MLflow UI${port ? ` :${port}` : ''}`;
    case 'predict':
      return 'MLflow: Predict';
    case 'build-docker':
      return 'MLflow: Build Docker Image';
    case 'generate-dockerfile':
      return 'MLflow: Generate Dockerfile';
    case 'gc':
      return 'MLflow: Garbage Collection';
    case 'install':
      return 'MLflow: Install';
  }
}

/** `<dir>/<name>.predictions.json` next to the input file. */
export function defaultPredictionsPath(inputPath: string, join: (...p: string[]) => string, dirname: (p: string) => string, basename: (p: string) => string): string {
  const base = basename(inputPath).replace(/\.(csv|json)$/i, '');
  return join(dirname(inputPath), `${base}.predictions.json`);
}
