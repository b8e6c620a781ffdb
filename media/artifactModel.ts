// Webview script of the MLmodel summary panel (src/artifacts/modelPanel.ts): flavors, signature,
// input example, requirements, and Serve / Predict / Copy buttons that the host turns into commands.
import type { SignatureField } from '../src/artifacts/mlmodel';
import type { ModelData, ModelFromWebview, ModelToWebview } from '../src/artifacts/modelProtocol';
import { unhandled } from '../src/webviews/messages';
import { h } from './lib/dom';
import { connectHost } from './lib/host';

const host = connectHost<ModelFromWebview, ModelToWebview>();
const root = document.getElementById('root')!;


function section(title: string, ...body: Node[]): HTMLElement {
  const s = h('section');
  s.append(h('h2', {}, title), ...body);
  return s;
}

function kv(rows: [string, string | undefined][]): HTMLElement {
  const dl = h('dl');
  for (const [k, v] of rows) if (v !== undefined && v !== '') dl.append(h('dt', {}, k), h('dd', {}, v));
  return dl;
}

function fieldTable(fields: SignatureField[]): HTMLElement {
  const t = h('table');
  const head = h('tr');
  head.append(h('th', {}, 'name'), h('th', {}, 'type'), h('th', {}, 'required'));
  t.append(head);
  for (const f of fields) {
    const r = h('tr');
    r.append(h('td', { class: 'mono' }, f.name ?? '—'), h('td', { class: 'mono' }, f.type), h('td', {}, f.required ? 'yes' : 'no'));
    t.append(r);
  }
  return t;
}

function button(label: string, msg: ModelFromWebview, primary = false, disabled = false): HTMLButtonElement {
  const b = h('button', { class: primary ? 'primary' : 'secondary' }, label);
  b.disabled = disabled;
  b.addEventListener('click', () => host.post(msg));
  return b;
}

function render(d: ModelData): void {
  const s = d.summary;
  root.className = '';
  root.replaceChildren();
  const head = h('header');
  head.append(h('h1', {}, d.title));
  if (d.modelUri) head.append(h('code', { class: 'uri' }, d.modelUri));
  const actions = h('div', { class: 'actions' });
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
  const flavors = h('div', { class: 'flavors' });
  for (const f of s.flavors) {
    const card = h('div', { class: 'flavor' });
    card.append(h('h3', {}, f.name), kv(f.details));
    flavors.append(card);
  }
  root.append(section(`Flavors (${s.flavors.length})`, flavors));
  const sig = s.signature;
  if (sig && (sig.inputs || sig.outputs || sig.params)) {
    const parts: Node[] = [];
    if (sig.inputs) parts.push(h('h3', {}, 'Inputs'), fieldTable(sig.inputs));
    if (sig.outputs) parts.push(h('h3', {}, 'Outputs'), fieldTable(sig.outputs));
    if (sig.params) parts.push(h('h3', {}, 'Parameters'), kv(sig.params.map((p) => [p.name, `${p.type}${p.shape ? ' ' + p.shape : ''}${p.default !== undefined ? ` = ${p.default}` : ''}`])));
    root.append(section('Signature', ...parts));
  } else root.append(section('Signature', h('p', { class: 'muted' }, 'This model has no signature.')));
  if (d.inputExample) {
    const pre = h('pre', { class: 'mono' }, d.inputExample.text + (d.inputExample.truncated ? '\n…' : ''));
    root.append(section(`Input example · ${d.inputExample.path}`, pre));
  }
  if (d.requirements) {
    const ul = h('ul', { class: 'mono' });
    for (const r of d.requirements) ul.append(h('li', {}, r));
    root.append(section(`Requirements (${d.requirements.length})`, ul));
  }
  if (s.envFiles.length) root.append(section('Environment', h('p', { class: 'mono' }, s.envFiles.join(', '))));
}

host.onMessage((m) => {
  switch (m.type) {
    case 'model':
      render(m.data);
      return;
    case 'error':
      root.className = 'error';
      root.textContent = m.message;
      return;
    default:
      unhandled(m);
  }
});
host.post({ type: 'ready' });
