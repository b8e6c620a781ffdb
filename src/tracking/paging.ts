// Offset page tokens in MLflow's format (base64 of {"offset": N}), for the local stores.
import { invalidRequest } from './errors';
import type { Page } from './types';

export function encodeOffsetToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset }), 'utf8').toString('base64');
}

export function decodeOffsetToken(token: string | undefined): number {
  if (token === undefined || token === '') return 0;
  try {
    const o = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as unknown;
    const offset = (o as { offset?: unknown } | null)?.offset;
    if (typeof offset === 'number' && Number.isInteger(offset) && offset >= 0) return offset;
  } catch {
    // fall through
  }
  throw invalidRequest(`Invalid page token, could not decode '${token.slice(0, 80)}'.`);
}

export function checkMaxResults(maxResults: number | undefined, fallback: number, max: number): number {
  const n = maxResults ?? fallback;
  if (!Number.isInteger(n) || n <= 0 || n > max) {
    throw invalidRequest(`Invalid value ${n} for parameter 'max_results' supplied. It must be a positive integer at most ${max}.`);
  }
  return n;
}

/** One page of an already filtered and sorted list. Like the file store, no token when the page is the last. */
export function pageOf<T>(all: readonly T[], pageToken: string | undefined, maxResults: number): Page<T> {
  const offset = decodeOffsetToken(pageToken);
  const items = all.slice(offset, offset + maxResults);
  const next = offset + maxResults;
  return next < all.length ? { items, nextPageToken: encodeOffsetToken(next) } : { items };
}

/**
 * Reads every page: stops at the last page, at a page token seen before or an empty page that still
 * names a next one (servers with paging bugs), and at `limit` items; drops repeated items by key.
 */
export async function collectPages<T>(fetchPage: (pageToken: string | undefined) => Promise<Page<T>>, key: (item: T) => string, limit = 100_000): Promise<T[]> {
  const out: T[] = [];
  const seenItems = new Set<string>();
  const seenTokens = new Set<string>();
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    for (const item of page.items) {
      const k = key(item);
      if (seenItems.has(k)) continue;
      seenItems.add(k);
      out.push(item);
    }
    token = page.nextPageToken;
    if (token === undefined || seenTokens.has(token) || page.items.length === 0) break;
    seenTokens.add(token);
  } while (out.length < limit);
  return out;
}
