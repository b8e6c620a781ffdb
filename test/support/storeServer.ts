// A tracking server in miniature: answers MLflow's REST `runs/search` from any TrackingStore (e.g. a
// generated file store), in MLflow's wire shape, on a free loopback port. For tests whose data is too
// big or too synthetic for the recorded transcripts of the replay server. Other routes: 404 like MLflow.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SearchRunsQuery, TrackingStore } from '../../src/tracking/types';
import { toWireRun } from '../../src/tracking/wire';

export interface StoreServer {
  url: string;
  /** Requests answered so far, as `METHOD path`. */
  requests: string[];
  close(): Promise<void>;
}

export async function startStoreServer(store: TrackingStore): Promise<StoreServer> {
  const requests: string[] = [];
  const send = (res: http.ServerResponse, status: number, body: unknown) => {
    const text = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const route = (req.url ?? '').split('?')[0].replace('/ajax-api/', '/api/');
      requests.push(`${req.method} ${route}`);
      if (req.method !== 'POST' || route !== '/api/2.0/mlflow/runs/search') {
        send(res, 404, { error_code: 'ENDPOINT_NOT_FOUND', message: `No ${req.method} ${route} in this test server` });
        return;
      }
      const b = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<string, unknown>;
      const query: SearchRunsQuery = {
        experimentIds: b.experiment_ids as string[],
        filter: b.filter as string | undefined,
        orderBy: b.order_by as string[] | undefined,
        runViewType: b.run_view_type as SearchRunsQuery['runViewType'],
        maxResults: b.max_results as number | undefined,
        pageToken: b.page_token as string | undefined,
      };
      store.searchRuns(query).then(
        (page) => send(res, 200, { ...(page.items.length ? { runs: page.items.map(toWireRun) } : {}), ...(page.nextPageToken ? { next_page_token: page.nextPageToken } : {}) }),
        (e: Error) => send(res, 400, { error_code: 'INVALID_PARAMETER_VALUE', message: e.message }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
