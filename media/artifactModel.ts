// Webview script of the MLmodel summary panel (src/artifacts/modelPanel.ts): flavors, signature,
// input example, requirements, and Serve / Predict / Copy buttons that the host turns into commands.
import type { ModelData, ModelFromWebview, ModelToWebview } from '../src/artifacts/artifactProtocol';
import type { SignatureField } from '../src/artifacts/mlmodel';

declare function acquireVsCodeApi(): { postMessage(m: ModelFromWebview): void };
const vscode = acquireVsCodeApi();
const root = document.getElementById('root')!;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function section(title: string, ...body: Node[]): HTMLElement {
  const s = el('section');
  s.append(el('h2', undefined, title), ...body);
  return s;
}

function kv(rows: [string, string | undefined][]): HTMLElement {
  const dl = el('dl');
  for (const [k, v] of rows) if (v !== undefined && v !== '') dl.append(el('dt', undefined, k), el('dd', undefined, v));
  return dl;
}

function fieldTable(fields: SignatureField[]): HTMLElement {
  const t = el('table');
  const h = el('tr');
  h.append(el('th', undefined, 'name'), el('th', undefined, 'type'), el('th', undefined, 'required'));
  t.append(h);
  for (const f of fields) {
    const r = el('tr');
    r.append(el('td', 'mono', f.name ?? '—'), el('td', 'mono', f.type), el('td', undefined, f.required ? 'yes' : 'no'));
    t.append(r);
  }
  return t;
}

function button(label: string, msg: ModelFromWebview, primary = false, disabled = false): HTMLButtonElement {
  const b = el('button', primary ? 'primary' : 'secondary', label);
  b.disabled = disabled;
  b.addEventListener('click', () => vscode.postMessage(msg));
  return b;
}

function render(d: ModelData): void {
  const s = d.summary;
  root.className = '';
  root.replaceChildren();
  const head = el('header');
  head.append(el('h1', undefined, d.title));
  if (d.modelUri) head.append(el('code', 'uri', d.modelUri));
  const actions = el('div', 'actions');
  const noUri = !d.modelUri;
  actions.append(
    button('Serve', { type: 'serve' }, true, noUri),
    button('Predict…', { type: 'predict' }, false, noUri),
    button('Copy Model URI', { type: 'copyUri' }, false, noUri),
    button('Open MLmodel', { type: 'openSource' }),
  );
  head.append(actions);
  root.append(head);
  root.append(
    section(
      'Model',
      kv([
        ['Loader', s.loaderModule],
        ['Python', s.pythonVersion],
        ['MLflow', s.mlflowVersion],
        ['Run', s.runId],
        ['Model ID', s.modelId],
        ['Created (UTC)', s.created],
        ['Size', s.sizeBytes === undefined ? undefined : `${s.sizeBytes.toLocaleString('en-US')} bytes`],
      ]),
    ),
  );
  const flavors = el('div', 'flavors');
  for (const f of s.flavors) {
    const card = el('div', 'flavor');
    card.append(el('h3', undefined, f.name), kv(f.details));
    flavors.append(card);
  }
  root.append(section(`Flavors (${s.flavors.length})`, flavors));
  const sig = s.signature;
  if (sig && (sig.inputs || sig.outputs || sig.params)) {
    const parts: Node[] = [];
    if (sig.inputs) parts.push(el('h3', undefined, 'Inputs'), fieldTable(sig.inputs));
    if (sig.outputs) parts.push(el('h3', undefined, 'Outputs'), fieldTable(sig.outputs));
    if (sig.params) parts.push(el('h3', undefined, 'Parameters'), kv(sig.params.map((p) => [p.name, `${p.type}${p.shape ? ' ' + p.shape : ''}${p.default !== undefined ? ` = ${p.default}` : ''}`])));
    root.append(section('Signature', ...parts));
  } else root.append(section('Signature', el('p', 'muted', 'This model has no signature.')));
  if (d.inputExample) {
    const pre = el('pre', 'mono', d.inputExample.text + (d.inputExample.truncated ? '\n…' : ''));
    root.append(section(`Input example · ${d.inputExample.path}`, pre));
  }
  if (d.requirements) {
    const ul = el('ul', 'mono');
    for (const r of d.requirements) ul.append(el('li', undefined, r));
    root.append(section(`Requirements (${d.requirements.length})`, ul));
  }
  if (s.envFiles.length) root.append(section('Environment', el('p', 'mono', s.envFiles.join(', '))));
}

window.addEventListener('message', (e: MessageEvent<ModelToWebview>) => {
  const m = e.data;
  switch (m.type) {
    case 'model':
      render(m.data);
      break;
    case 'error':
      root.className = 'error';
      root.textContent = m.message;
      break;
  }
});
vscode.postMessage({ type: 'ready' });
