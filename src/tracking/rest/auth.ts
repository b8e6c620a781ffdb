// Authorization headers for a tracking server, as MLflow's Python client builds them:
// Basic when both username and password are known, else Bearer. Basic wins over a token: `http_request` in
// mlflow/utils/rest_utils.py checks username and password first, whatever the docs of MLFLOW_TRACKING_TOKEN say.

export type RestAuth = { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

export function authorizationHeader(auth: RestAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.type === 'basic') {
    if (auth.username === '' && auth.password === '') return undefined;
    return `Basic ${Buffer.from(`${auth.username}:${auth.password}`, 'utf8').toString('base64')}`;
  }
  return auth.token ? `Bearer ${auth.token}` : undefined;
}

/** Credentials written into the URI (`http://user:pass@host`) as Basic auth, decoded. */
export function authFromUserinfo(url: URL): RestAuth | undefined {
  if (!url.username && !url.password) return undefined;
  return { type: 'basic', username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) };
}

/** The URI without userinfo, query or fragment, and without a trailing slash: safe to show and log. */
export function redactUri(uri: string): string {
  try {
    const u = new URL(uri);
    u.username = '';
    u.password = '';
    u.search = '';
    u.hash = '';
    return u.toString().replace(/\/+$/, '');
  } catch {
    return uri.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1');
  }
}

/** Removes secrets from any text before it reaches a log line or an error message. */
export function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text.replace(/(\b[a-z][a-z0-9+.-]*:\/\/)[^/\s@]+@/gi, '$1***@').replace(/\b(basic|bearer)\s+[A-Za-z0-9._~+/=-]{6,}/gi, '$1 ***');
  for (const s of secrets) if (s && s.length >= 3) out = out.split(s).join('***');
  return out;
}
