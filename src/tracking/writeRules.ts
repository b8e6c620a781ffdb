// What MLflow accepts in a run write (tag keys and values, run names), shared by the stores that
// write themselves (file, SQLite): the same checks and messages whichever store refuses.
import { invalidRequest } from './errors';
import { validateKey } from './file/fsUtil';

/** MLflow's MAX_TAG_VAL_LENGTH. */
export const MAX_TAG_VALUE = 8000;

export function checkTag(key: string, value: string, uri: string): void {
  validateKey(key);
  if (typeof value !== 'string') throw invalidRequest("Missing value for required parameter 'value'.", uri);
  if (value.length > MAX_TAG_VALUE) throw invalidRequest(`Tag value for '${key}' is ${value.length} characters long; the maximum is ${MAX_TAG_VALUE}.`, uri);
}

export function checkRunName(name: string, uri: string): void {
  if (typeof name !== 'string' || name.trim() === '') throw invalidRequest('A run name must not be empty.', uri);
  if (name.length > MAX_TAG_VALUE) throw invalidRequest(`A run name may be at most ${MAX_TAG_VALUE} characters long.`, uri);
}
