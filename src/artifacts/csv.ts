// Pure: CSV/TSV parsing (RFC 4180 quoting, newlines inside quotes, CRLF, BOM) with a size guard,
// for the read-only table view of artifacts. No `vscode` import.

/** Files larger than this are read only up to this many bytes; the table says so. */
export const CSV_PREVIEW_BYTES = 5 * 1024 * 1024;
/** At most this many data rows go to the table. */
export const CSV_MAX_ROWS = 5000;

export interface CsvTable {
  header: string[];
  rows: string[][];
  /** Rows were dropped (row cap or a partial read). */
  truncated: boolean;
  /** Data rows seen in the text that was parsed (complete rows only when the text was cut). */
  rowsSeen: number;
}

export interface CsvOptions {
  delimiter?: string;
  maxRows?: number;
  /** The text is the head of a longer file: its last row may be cut and is dropped. */
  partial?: boolean;
}

export function delimiterFor(fileName: string): string {
  return /\.(tsv|tab)$/i.test(fileName) ? '\t' : ',';
}

/** Splits text into records. Quotes may hold delimiters, quotes ("") and line breaks. */
export function parseRecords(text: string, delimiter = ',', maxRecords = Infinity): { records: string[][]; complete: boolean } {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let inQuotes = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let fieldStarted = false;
  const endRecord = () => {
    record.push(field);
    records.push(record);
    record = [];
    field = '';
    fieldStarted = false;
  };
  while (i < n) {
    if (records.length >= maxRecords) return { records, complete: false };
    const c = text[i];
    if (inQuotes) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        inQuotes = false;
        i++;
        continue;
      }
      field += c;
      i++;
      continue;
    }
    if (c === '"' && !fieldStarted) {
      inQuotes = true;
      fieldStarted = true;
      i++;
      continue;
    }
    if (c === delimiter) {
      record.push(field);
      field = '';
      fieldStarted = false;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      endRecord();
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    field += c;
    fieldStarted = true;
    i++;
  }
  // the last record has no line break after it (or is still inside quotes: unterminated)
  if (fieldStarted || field !== '' || record.length > 0) endRecord();
  return { records, complete: !inQuotes };
}

export function parseCsv(text: string, opts: CsvOptions = {}): CsvTable {
  const maxRows = opts.maxRows ?? CSV_MAX_ROWS;
  const parsed = parseRecords(text, opts.delimiter ?? ',', maxRows + 2);
  // blank lines are no rows (as pandas reads them)
  const records = parsed.records.filter((r) => !(r.length === 1 && r[0] === ''));
  let truncated = records.length > maxRows + 1 || (!parsed.complete && !opts.partial);
  let body = records.slice(1, maxRows + 1);
  if (opts.partial && records.length <= maxRows + 1 && body.length > 0) {
    // the last row may be cut in the middle: drop it
    body = body.slice(0, -1);
    truncated = true;
  }
  if (opts.partial) truncated = true;
  const header = records[0] ?? [];
  const width = Math.max(header.length, ...body.map((r) => r.length));
  const pad = (r: string[]) => (r.length < width ? [...r, ...Array<string>(width - r.length).fill('')] : r);
  const named = pad(header).map((h, i) => h || `column ${i + 1}`);
  return { header: named, rows: body.map(pad), truncated, rowsSeen: body.length };
}

/** How many bytes to read for the table: all of it, or the head when the file is large or of unknown size. */
export function csvReadPlan(size: number | undefined, limit = CSV_PREVIEW_BYTES): { bytes: number; partial: boolean } {
  if (size !== undefined && size <= limit) return { bytes: size, partial: false };
  return { bytes: limit, partial: size === undefined ? false : true };
}

/** Decodes UTF-8 bytes that may end inside a multi-byte character (a cut read). */
export function decodeUtf8Head(bytes: Uint8Array, partial: boolean): string {
  let end = bytes.length;
  if (partial) {
    // step back over a trailing incomplete sequence
    let k = end - 1;
    while (k >= 0 && k >= end - 4 && (bytes[k] & 0xc0) === 0x80) k--;
    if (k >= 0) {
      const b = bytes[k];
      const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
      if (end - k < need) end = k;
    }
  }
  return new TextDecoder('utf-8').decode(bytes.subarray(0, end));
}

/** Sort helper shared with the webview: numbers numerically (empty last), else natural text order. */
export function columnIsNumeric(rows: string[][], col: number): boolean {
  let any = false;
  for (const r of rows) {
    const v = (r[col] ?? '').trim();
    if (v === '') continue;
    if (!isNumberText(v)) return false;
    any = true;
  }
  return any;
}

function isNumberText(v: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(v) || /^[-+]?(inf|infinity|nan)$/i.test(v);
}

function toNumber(v: string): number {
  const t = v.trim().toLowerCase();
  if (/^[-+]?inf(inity)?$/.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  return Number(t);
}

/** Row indices in sorted order (stable). */
export function sortRows(rows: string[][], col: number, descending: boolean): number[] {
  const numeric = columnIsNumeric(rows, col);
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  const idx = rows.map((_, i) => i);
  const dir = descending ? -1 : 1;
  idx.sort((a, b) => {
    const x = (rows[a][col] ?? '').trim();
    const y = (rows[b][col] ?? '').trim();
    if (x === '' || y === '') return x === y ? a - b : x === '' ? 1 : -1; // empty cells last either way
    let c: number;
    if (numeric) {
      const nx = toNumber(x);
      const ny = toNumber(y);
      if (Number.isNaN(nx) || Number.isNaN(ny)) return Number.isNaN(nx) && Number.isNaN(ny) ? a - b : Number.isNaN(nx) ? 1 : -1; // NaN last either way
      c = nx === ny ? 0 : nx < ny ? -1 : 1;
    } else c = collator.compare(x, y);
    return c === 0 ? a - b : c * dir;
  });
  return idx;
}
