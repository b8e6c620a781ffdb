// Run details webview: overview, source and git, lineage, datasets and models, searchable tables
// of parameters, metrics and tags, the note (safe Markdown), and the artifacts. Every action is a
// message to the host; nothing here talks to a tracking server.
import type { ArtifactRow, KeyValue, RunDetailsFromWebview, RunDetailsPayload, RunDetailsState, RunDetailsToWebview } from '../src/runDetails/protocol';
import { renderMarkdown } from '../src/runDetails/markdown';
import { unhandled } from '../src/webviews/messages';
import { append, button, clear, h } from './lib/dom';
import { connectHost } from './lib/host';

const host = connectHost<RunDetailsFromWebview, RunDetailsToWebview, RunDetailsState>();
const post = host.post;

const app = document.getElementById('app') as HTMLElement;
let details: RunDetailsPayload | undefined;
const artifactLists = new Map<string, HTMLElement>();

function copyBtn(what: string, text: string): HTMLButtonElement {
  return button(`Copy ${what}`, 'Copy', () => post({ type: 'copy', text }), { class: 'btn small copy' });
}

function link(text: string, title: string, onClick: () => void): HTMLAnchorElement {
  const a = h('a', { href: '#', title }, text);
  a.addEventListener('click', (e) => {
    e.preventDefault();
    onClick();
  });
  return a;
}

function row(label: string, ...value: (Node | string | undefined | false)[]): HTMLElement {
  return h('div', { class: 'kv' }, h('dt', {}, label), h('dd', {}, ...value));
}

function overview(d: RunDetailsPayload): HTMLElement {
  const dl = h('dl', { class: 'overview' });
  append(
    dl,
    row('Run ID', h('span', { class: 'mono' }, d.runId), ' ', copyBtn('run ID', d.runId)),
    row('Experiment', d.experimentName ? `${d.experimentName} ` : '', h('span', { class: 'muted mono' }, `(${d.experimentId})`)),
    row('Status', h('span', { class: `status status-${d.status.toLowerCase()}` }, d.status.toLowerCase()), d.lifecycleStage === 'deleted' ? h('span', { class: 'muted' }, ' · deleted') : undefined),
    row('Started', d.start),
    row('Ended', d.end),
    row('Duration', d.duration),
    d.user ? row('User', d.user) : undefined,
    d.source.name || d.source.type
      ? row(
          'Source',
          d.source.name ? h('span', { class: 'mono' }, d.source.name) : '',
          d.source.type ? h('span', { class: 'muted' }, ` (${d.source.type})`) : '',
          d.source.openable ? button('Open the source file in the editor', 'Open File', () => post({ type: 'openSource' }), { class: 'btn small' }) : undefined,
        )
      : undefined,
    d.git.commit || d.git.repoUrl ? gitRow(d) : undefined,
    d.parent ? row('Parent run', link(d.parent.name, `Open run ${d.parent.runId}`, () => post({ type: 'openRun', runId: d.parent!.runId }))) : undefined,
    d.children.length
      ? row('Child runs', h('span', { class: 'links' }, ...d.children.map((c) => link(c.name, `Open run ${c.runId} (${c.status.toLowerCase()})`, () => post({ type: 'openRun', runId: c.runId })))))
      : undefined,
    row('Artifact URI', h('span', { class: 'mono' }, d.artifactUri), ' ', copyBtn('artifact URI', d.artifactUri)),
  );
  return dl;
}

function gitRow(d: RunDetailsPayload): HTMLElement {
  const g = d.git;
  return row(
    'Git',
    g.commit ? h('span', { class: 'mono', title: g.commit }, g.commit.slice(0, 12)) : '',
    g.commit ? copyBtn('commit', g.commit) : undefined,
    g.branch ? h('span', { class: 'muted' }, ` on ${g.branch}`) : '',
    g.repoUrl ? h('span', { class: 'muted mono' }, ` · ${g.repoUrl}`) : '',
    h(
      'span',
      { class: 'actions' },
      g.webUrl ? link(g.webLabel ?? 'Open on the web', g.webUrl, () => post({ type: 'openLink', url: g.webUrl! })) : undefined,
      g.commit ? button('Compare the source file at this commit with the working tree', 'Compare with Working Tree', () => post({ type: 'compareWorkingTree' })) : undefined,
    ),
  );
}

/** A table with a filter box; rows match on key or value. */
function searchable(title: string, id: string, head: string[], rows: { cells: (string | Node)[]; text: string; copy: string }[], extra?: HTMLElement): HTMLElement {
  const sec = h('section', { 'aria-labelledby': `${id}-h` });
  const count = h('span', { class: 'muted' }, ` (${rows.length})`);
  append(sec, h('h2', { id: `${id}-h` }, title, count));
  if (!rows.length) {
    append(sec, h('p', { class: 'muted' }, `No ${title.toLowerCase()}.`));
    return sec;
  }
  const filter = h('input', { type: 'search', placeholder: `Filter ${title.toLowerCase()}`, 'aria-label': `Filter ${title.toLowerCase()}` });
  const tbody = h('tbody', {});
  const trs = rows.map((r) => h('tr', {}, ...r.cells.map((c, i) => (i === 0 ? h('th', { scope: 'row' }, c) : h('td', {}, c))), h('td', { class: 'copy-cell' }, copyBtn(`${r.text.split('\u0000')[0]}`, r.copy))));
  append(tbody, ...trs);
  filter.addEventListener('input', () => {
    const q = filter.value.toLowerCase();
    let shown = 0;
    trs.forEach((tr, i) => {
      const ok = !q || rows[i].text.toLowerCase().includes(q);
      tr.hidden = !ok;
      if (ok) shown++;
    });
    count.textContent = q ? ` (${shown} of ${rows.length})` : ` (${rows.length})`;
  });
  append(
    sec,
    h('div', { class: 'table-tools' }, filter, extra),
    h('div', { class: 'table-wrap' }, h('table', { class: 'grid-table' }, h('thead', {}, h('tr', {}, ...head.map((t) => h('th', { scope: 'col' }, t)), h('th', { scope: 'col' }, h('span', { class: 'sr-only' }, 'Copy')))), tbody)),
  );
  return sec;
}

function kvRows(items: KeyValue[]) {
  return items.map((p) => ({ cells: [p.key, h('span', { class: 'value' }, p.value)], text: `${p.key}\u0000${p.value}`, copy: p.value }));
}

function modelsSection(d: RunDetailsPayload): HTMLElement | undefined {
  if (!d.models.length && !d.registered.length && !d.datasets.length) return undefined;
  const sec = h('section', { 'aria-labelledby': 'lineage-h' }, h('h2', { id: 'lineage-h' }, 'Datasets and models'));
  if (d.datasets.length) {
    append(
      sec,
      h('h3', {}, 'Datasets'),
      h('ul', { class: 'plain' }, ...d.datasets.map((x) => h('li', {}, h('strong', {}, x.name), h('span', { class: 'muted mono' }, ` ${x.digest}`), x.context ? h('span', { class: 'badge' }, x.context) : '', x.source ? h('div', { class: 'muted' }, x.source) : ''))),
    );
  }
  if (d.models.length) {
    append(sec, h('h3', {}, 'Logged models'), h('ul', { class: 'plain' }, ...d.models.map((m) => h('li', {}, h('span', { class: 'mono' }, m.uri), ' ', copyBtn('model URI', m.uri), m.detail ? h('div', { class: 'muted' }, m.detail) : ''))));
  }
  if (d.registered.length) {
    append(sec, h('h3', {}, 'Registered versions'), h('ul', { class: 'plain' }, ...d.registered.map((v) => h('li', {}, `${v.name} `, h('strong', {}, `v${v.version}`), h('span', { class: 'muted' }, ` · ${v.status.toLowerCase().replace(/_/g, ' ')}`)))));
  }
  return sec;
}

function noteSection(d: RunDetailsPayload): HTMLElement | undefined {
  if (!d.note) return undefined;
  const body = h('div', { class: 'note' });
  // renderMarkdown escapes everything and emits only h1–h6, p, strong, em, code, pre, lists, br and http(s) links
  body.innerHTML = renderMarkdown(d.note);
  body.querySelectorAll('a[href]').forEach((a) =>
    a.addEventListener('click', (e) => {
      e.preventDefault();
      post({ type: 'openLink', url: (a as HTMLAnchorElement).getAttribute('href') ?? '' });
    }),
  );
  return h('section', { 'aria-labelledby': 'note-h' }, h('h2', { id: 'note-h' }, 'Note'), body);
}

function artifactsSection(): HTMLElement {
  const list = h('ul', { class: 'tree', role: 'tree', 'aria-label': 'Artifacts' }, h('li', { class: 'muted' }, 'Loading…'));
  artifactLists.clear();
  artifactLists.set('', list);
  return h('section', { 'aria-labelledby': 'artifacts-h' }, h('h2', { id: 'artifacts-h' }, 'Artifacts'), list);
}

function fillArtifacts(path: string, files: ArtifactRow[], error?: string): void {
  const list = artifactLists.get(path);
  if (!list) return;
  clear(list);
  if (error) return void list.append(h('li', { class: 'muted' }, `Could not list artifacts: ${error}`));
  if (!files.length) return void list.append(h('li', { class: 'muted' }, path ? 'Empty folder' : 'No artifacts.'));
  for (const f of files) {
    const name = f.path.split('/').pop() ?? f.path;
    if (f.isDir) {
      const sub = h('ul', { class: 'tree', role: 'group' });
      const item = h('li', { role: 'treeitem', 'aria-expanded': 'false' });
      const toggle = h('button', { type: 'button', class: 'linkish', 'aria-label': `Folder ${name}, expand` }, `▸ ${name}/`);
      toggle.addEventListener('click', () => {
        const open = item.getAttribute('aria-expanded') === 'true';
        item.setAttribute('aria-expanded', String(!open));
        toggle.textContent = `${open ? '▸' : '▾'} ${name}/`;
        toggle.setAttribute('aria-label', `Folder ${name}, ${open ? 'expand' : 'collapse'}`);
        if (open) return void clear(sub);
        sub.append(h('li', { class: 'muted' }, 'Loading…'));
        artifactLists.set(f.path, sub);
        post({ type: 'listArtifacts', path: f.path });
      });
      append(item, toggle, sub);
      list.append(item);
    } else {
      const open = h('button', { type: 'button', class: 'linkish', title: `Open ${f.path}` }, name);
      open.addEventListener('click', () => post({ type: 'openArtifact', path: f.path }));
      list.append(h('li', { role: 'treeitem' }, open, f.size ? h('span', { class: 'muted' }, ` ${f.size}`) : ''));
    }
  }
}

function render(d: RunDetailsPayload): void {
  const metricRows = d.metrics.map((m) => ({
    cells: [
      m.key,
      h('span', { class: 'value' }, m.value),
      h('span', { class: 'muted' }, `step ${m.step}`),
      link('Plot', `Plot ${m.key}`, () => post({ type: 'plotMetrics', keys: [m.key] })),
    ],
    text: `${m.key}\u0000${m.value}`,
    copy: m.value,
  }));
  clear(app);
  app.setAttribute('aria-busy', 'false');
  append(
    app,
    h(
      'header',
      { class: 'head' },
      h('h1', { class: 'title' }, d.name),
      h(
        'div',
        { class: 'head-actions' },
        d.live ? h('span', { class: 'badge live', title: 'The run is still running; this page refreshes' }, '● Live') : undefined,
        d.metrics.length ? button('Plot every metric of this run', 'Plot Metrics', () => post({ type: 'plotMetrics', keys: [] }), { class: 'btn primary' }) : undefined,
        button('Read the run again', 'Refresh', () => post({ type: 'refresh' })),
      ),
    ),
    overview(d),
    noteSection(d),
    searchable('Parameters', 'params', ['Name', 'Value'], kvRows(d.params)),
    searchable('Metrics', 'metrics', ['Name', 'Latest value', 'Step', 'Chart'], metricRows),
    searchable('Tags', 'tags', ['Name', 'Value'], kvRows(d.tags)),
    modelsSection(d),
    artifactsSection(),
  );
}

host.onMessage((msg) => {
  switch (msg.type) {
    case 'runDetails':
      details = msg.details;
      document.title = details.name;
      host.setState({ view: 'runDetails', connKey: details.connKey, runId: details.runId });
      render(details);
      return;
    case 'artifacts':
      fillArtifacts(msg.path, msg.files, msg.error);
      return;
    case 'notice': {
      // Before any details: the notice is the page. After: a banner above the details shown last,
      // so a failed refresh is visible and the data already read stays on screen.
      if (!details) clear(app);
      app.querySelector(':scope > p.notice')?.remove();
      if (msg.message) app.prepend(h('p', { class: `notice ${msg.level}`, role: 'alert' }, msg.message));
      return;
    }
    default:
      unhandled(msg);
  }
});

post({ type: 'ready', width: Math.max(1, window.innerWidth) });
