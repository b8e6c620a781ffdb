import { TrackingError, isTrackingError } from '../tracking/errors';

/** Any thrown value as a TrackingError (unknown errors become 'server' errors keeping the cause). */
export function toTrackingError(e: unknown): TrackingError {
  if (isTrackingError(e)) return e;
  const msg = e instanceof Error ? e.message : String(e);
  return new TrackingError('server', msg, { cause: e });
}
