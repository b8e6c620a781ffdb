// A tracking server for upload tests: the real v3 transcripts (replay server) for everything, plus a
// proxied artifact service that keeps what is PUT, answering as the recorded real server did:
//   084  PUT /api/2.0/mlflow-artifacts/artifacts/<root>/<path>, raw body → 200 application/json `{}`
//   085  GET of the same path → 200, the bytes, `content-disposition: attachment; filename=<name>`
//   083  a `..` segment → 400 {"error_code":"INVALID_PARAMETER_VALUE","message":"Invalid path"}
// and /api/2.0/mlflow/artifacts/list of a run lists the uploaded files beside the recorded ones (the
// real server lists its artifact store, which then holds them).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startReplayServer, type ReplayServer } from '../../support/replayServer';

const ENDPOINT = /^\/(?:ajax-)?api\/2\.0\/mlflow-artifacts\/artifacts\/(.+)$/;
const LIST = /^\/(?:ajax-)?api\/2\.0\/mlflow\/artifacts\/list$/;

export interface ArtifactServer {
  url: string;
  /** Root-relative artifact store path (`1/<run>/artifacts/x.txt`) → bytes received. */
  files: Map<string, Buffer>;
  puts: { path: string; contentType?: string; bytes: number; chunked: boolean }[];
  replay: ReplayServer;
  close(): Promise<void>;
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeSegs(p: string): string[] | undefined {
  try {
    return p.split('/').map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

function send(res: http.ServerResponse, status: number, body: Buffer | string, headers: Record<string, string>): void {
  res.writeHead(status, { server: 'uvicorn', 'x-content-type-options': 'nosniff', 'x-frame-options': 'SAMEORIGIN', ...headers });
  res.end(body);
}

function forward(replayUrl: string, req: http.IncomingMessage, body: Buffer): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const u = new URL(req.url ?? '/', replayUrl);
    const headers = { ...req.headers, host: u.host };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    const out = http.request(u, { method: req.method, headers: { ...headers, 'content-length': String(body.length) } }, (r) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: Buffer.concat(chunks) }));
      r.on('error', reject);
    });
    out.on('error', reject);
    out.end(body);
  });
}

export async function startArtifactServer(): Promise<ArtifactServer> {
  const replay = await startReplayServer(['v3'], { lenient: true });
  const files = new Map<string, Buffer>();
  const puts: ArtifactServer['puts'] = [];

  const server = http.createServer(async (req, res) => {
    try {
      const u = new URL(req.url ?? '/', 'http://x');
      const body = await readBody(req);
      const m = ENDPOINT.exec(u.pathname);
      if (m && (req.method === 'PUT' || req.method === 'GET')) {
        const segs = decodeSegs(m[1]);
        if (!segs || segs.some((s) => s === '..' || s === '.')) {
          send(res, 400, JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'Invalid path' }), { 'content-type': 'application/json' });
          return;
        }
        const key = segs.filter(Boolean).join('/');
        if (req.method === 'PUT') {
          files.set(key, body);
          puts.push({ path: key, contentType: req.headers['content-type'], bytes: body.length, chunked: req.headers['transfer-encoding'] === 'chunked' });
          send(res, 200, '{}', { 'content-type': 'application/json' });
          return;
        }
        const hit = files.get(key);
        if (hit) {
          const name = segs[segs.length - 1];
          send(res, 200, hit, { 'content-type': /\.txt$/.test(name) ? 'text/plain' : 'application/octet-stream', 'content-disposition': `attachment; filename=${name}` });
          return;
        }
      }
      let fwd = await forward(replay.url, req, body);
      if (LIST.test(u.pathname) && req.method === 'GET') {
        const runId = u.searchParams.get('run_id') ?? '';
        const dir = (u.searchParams.get('path') ?? '').replace(/^\/+|\/+$/g, '');
        let recorded = true;
        if (fwd.status !== 200 && dir) {
          // No recording for this folder: the real server answers {root_uri} for a missing one (070).
          const rootReq = Object.assign(Object.create(req) as http.IncomingMessage, { url: `${u.pathname}?run_id=${encodeURIComponent(runId)}` });
          fwd = await forward(replay.url, rootReq, Buffer.alloc(0));
          recorded = false;
        }
        if (fwd.status !== 200) {
          send(res, fwd.status, fwd.body, { 'content-type': String(fwd.headers['content-type'] ?? 'text/html') });
          return;
        }
        const answer = JSON.parse(fwd.body.toString('utf8')) as { root_uri?: string; files?: { path: string; is_dir: boolean; file_size?: number }[] };
        if (!recorded) delete answer.files;
        const rootPath = (answer.root_uri ?? '').replace(/^mlflow-artifacts:(\/\/[^/]*)?\/*/, '');
        if (rootPath.includes(runId)) {
          const listed = new Map((answer.files ?? []).map((f) => [f.path, f]));
          const prefix = rootPath + '/' + (dir ? dir + '/' : '');
          for (const [k, v] of files) {
            if (!k.startsWith(prefix)) continue;
            const rest = k.slice(prefix.length).split('/');
            const p = (dir ? dir + '/' : '') + rest[0];
            if (rest.length > 1) listed.set(p, { path: p, is_dir: true });
            else listed.set(p, v.length ? { path: p, is_dir: false, file_size: v.length } : { path: p, is_dir: false });
          }
          const out = { root_uri: answer.root_uri, ...(listed.size ? { files: [...listed.values()].sort((a, b) => (a.path < b.path ? -1 : 1)) } : {}) };
          send(res, 200, JSON.stringify(out), { 'content-type': 'application/json' });
          return;
        }
      }
      const h: Record<string, string> = {};
      for (const [k, v] of Object.entries(fwd.headers)) if (typeof v === 'string' && !/^(content-length|transfer-encoding|connection|keep-alive|date)$/i.test(k)) h[k] = v;
      send(res, fwd.status, fwd.body, h);
    } catch (e) {
      send(res, 500, String(e), { 'content-type': 'text/plain' });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    files,
    puts,
    replay,
    close: async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
      await replay.close();
    },
  };
}
