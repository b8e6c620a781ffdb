export type TrackingErrorKind =
  | 'unreachable' // connection refused, DNS, TLS, reset
  | 'timeout'
  | 'cancelled'
  | 'auth' // 401/403, login pages
  | 'notFound'
  | 'invalidRequest' // 400: bad filter, bad token, bad key
  | 'server' // 5xx, unexpected answers (HTML where JSON was expected)
  | 'unsupported' // the backend cannot do this (writes to SQLite, cloud artifact roots, unknown URI schemes)
  | 'invalidData'; // the store holds something we cannot parse

export interface TrackingErrorDetails {
  /** The tracking URI (never with credentials). */
  uri?: string;
  /** What the user can do about it, one sentence. */
  hint?: string;
  status?: number;
  /** MLflow's error_code when the server sent one. */
  errorCode?: string;
  cause?: unknown;
}

export class TrackingError extends Error {
  override readonly name = 'TrackingError';
  readonly kind: TrackingErrorKind;
  readonly uri?: string;
  readonly hint?: string;
  readonly status?: number;
  readonly errorCode?: string;

  constructor(kind: TrackingErrorKind, message: string, details: TrackingErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.kind = kind;
    this.uri = details.uri;
    this.hint = details.hint;
    this.status = details.status;
    this.errorCode = details.errorCode;
  }

  /** Message plus hint, for a notification or an error node. */
  get userMessage(): string {
    return this.hint ? `${this.message} ${this.hint}` : this.message;
  }
}

/** By shape, not instanceof: the REST and SQLite backends are bundled apart from the extension and carry their own copy of the class. */
export function isTrackingError(e: unknown, kind?: TrackingErrorKind): e is TrackingError {
  const ok = e instanceof Error && e.name === 'TrackingError' && typeof (e as { kind?: unknown }).kind === 'string';
  return ok && (kind === undefined || (e as TrackingError).kind === kind);
}

export function notFound(what: string, uri?: string): TrackingError {
  return new TrackingError('notFound', `${what} does not exist.`, { uri, errorCode: 'RESOURCE_DOES_NOT_EXIST', status: 404 });
}

export function invalidRequest(message: string, uri?: string): TrackingError {
  return new TrackingError('invalidRequest', message, { uri, errorCode: 'INVALID_PARAMETER_VALUE', status: 400 });
}
