// A loopback proxy in front of a real MLflow server that writes every exchange as a transcript
// (test/fixtures/mlflow/transcripts format, see its README) for the replay server to answer later:
//
//   const rec = await startRecordingProxy('http://127.0.0.1:5003', outDir);   // point the client at rec.url
//   …
//   await rec.close();   // outDir/NNN-<route>.json, in the order the requests arrived
//
// JSON bodies are stored parsed (-0 kept as -0.0); an exchange identical to one already written is
// not written again; get-history answers of more than 1,000 points keep their first and
// last three points around `{"_elided": N}` (the replay server rebuilds them from the fixture store).
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface RecordingProxy {
  url: string;
  /** Transcripts written so far. */
  count(): number;
  close(): Promise<void>;
}

const KEEP_HEADERS = ['content-type', 'accept', 'origin', 'host'];

/** JSON.stringify that keeps -0 as MLflow sends it (`-0.0`), as the replay server serves it. */
function toJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => (Object.is(x, -0) ? '__NEG_ZERO__' : x)).replace(/"__NEG_ZERO__"/g, '-0.0');
}

function parseMaybeJson(text: string, contentType: string): unknown {
  if (!text) return null;
  if (/json/i.test(contentType)) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

function elide(reqPath: string, body: unknown): { body: unknown; note?: string } {
  const metrics = (body as { metrics?: unknown[] } | null)?.metrics;
  if (!/\/metrics\/get-history$/.test(reqPath) || !Array.isArray(metrics) || metrics.length <= 1000) return { body };
  const n = metrics.length;
  return { body: { ...(body as object), metrics: [...metrics.slice(0, 3), { _elided: n - 6 }, ...metrics.slice(n - 3)] }, note: `${n} points (body elided here)` };
}

export async function startRecordingProxy(upstream: string, outDir: string): Promise<RecordingProxy> {
  fs.mkdirSync(outDir, { recursive: true });
  /** Exchanges written: a request answered the same way again is not written twice. */
  const written = new Set<string>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const url = new URL(req.url ?? '/', upstream);
        const reqText = Buffer.concat(chunks).toString('utf8');
        const headers: Record<string, string> = {};
        for (const k of KEEP_HEADERS) if (typeof req.headers[k] === 'string' && k !== 'host') headers[k] = req.headers[k];
        const up = await fetch(url, { method: req.method, headers, body: reqText && req.method !== 'GET' ? reqText : undefined });
        const text = await up.text();
        const responseHeaders: Record<string, string> = {};
        up.headers.forEach((v, k) => (responseHeaders[k] = v));
        const query: Record<string, string | string[]> = {};
        for (const k of new Set(url.searchParams.keys())) {
          const all = url.searchParams.getAll(k);
          query[k] = all.length === 1 ? all[0] : all;
        }
        const reqBody = parseMaybeJson(reqText, String(req.headers['content-type'] ?? 'application/json'));
        const { body, note } = elide(url.pathname, parseMaybeJson(text, responseHeaders['content-type'] ?? ''));
        const name = `${String(written.size + 1).padStart(3, '0')}-${url.pathname.replace(/^\/(ajax-)?api\/2\.0\/mlflow\//, '').replace(/[^A-Za-z0-9]+/g, '-').replace(/^-|-$/g, '')}`;
        const t = {
          name: name.slice(4),
          method: req.method,
          path: url.pathname,
          query: Object.keys(query).length ? query : null,
          body: req.method === 'GET' ? null : reqBody,
          request_headers: headers,
          full_url: url.toString(),
          status: up.status,
          response_headers: responseHeaders,
          response_body: body,
          note: note ?? 'recorded through test/support/recordingProxy.ts',
        };
        const key = JSON.stringify([t.method, t.path, t.query, t.body, t.status, text]);
        if (!written.has(key)) {
          written.add(key);
          fs.writeFileSync(path.join(outDir, `${name}.json`), toJson(t) + '\n');
        }
        delete responseHeaders['content-encoding'];
        delete responseHeaders['content-length'];
        delete responseHeaders['transfer-encoding'];
        res.writeHead(up.status, responseHeaders);
        res.end(text);
      })().catch((e: Error) => {
        res.writeHead(502, { 'content-type': 'text/plain' });
        res.end(`recording proxy: ${e.message}`);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    count: () => written.size,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
