// Which proxy (if any) a request to a tracking server goes through. Pure: the VS Code layer passes
// `http.proxy`; without it the usual environment variables apply. NO_PROXY is honoured for both.

export interface ProxyConfig {
  /** Explicit proxy URL (VS Code's http.proxy). Wins over the environment. */
  proxy?: string;
  /** Environment to read HTTPS_PROXY/HTTP_PROXY/ALL_PROXY/NO_PROXY from (default: none). */
  env?: Record<string, string | undefined>;
}

function envVar(env: Record<string, string | undefined>, name: string): string | undefined {
  const v = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return v && v.trim() ? v.trim() : undefined;
}

function normalizeProxy(p: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(p) ? p : `http://${p}`;
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((n) => n > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

/** True when NO_PROXY (comma/space separated: `*`, hosts, `.domain`, `*.domain`, `host:port`, IPv4 CIDR) covers the URL. */
export function matchesNoProxy(target: URL, noProxy: string | undefined): boolean {
  if (!noProxy) return false;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(/[\s,]+/)) {
    entry = entry.trim().toLowerCase();
    if (!entry) continue;
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const pm = /^(.*?):(\d+)$/.exec(entry);
    if (pm && !entry.startsWith('[') && pm[1].split(':').length === 1) {
      entry = pm[1];
      entryPort = pm[2];
    } else if (/^\[.*\]:(\d+)$/.test(entry)) {
      entryPort = entry.replace(/^.*\]:/, '');
      entry = entry.replace(/^\[|\]:\d+$/g, '');
    }
    entry = entry.replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    const cidr = /^(\d+\.\d+\.\d+\.\d+)\/(\d{1,2})$/.exec(entry);
    if (cidr) {
      const base = ipv4ToInt(cidr[1]);
      const ip = ipv4ToInt(host);
      const bits = Number(cidr[2]);
      if (base !== undefined && ip !== undefined && bits <= 32) {
        const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
        if (((ip & mask) >>> 0) === ((base & mask) >>> 0)) return true;
      }
      continue;
    }
    const domain = entry.replace(/^\*?\./, '');
    if (host === domain || host.endsWith(`.${domain}`)) return true;
  }
  return false;
}

/** The proxy URL for a request to `targetUrl`, or undefined to connect directly. */
export function proxyFor(targetUrl: string | URL, config: ProxyConfig = {}): string | undefined {
  const target = typeof targetUrl === 'string' ? new URL(targetUrl) : targetUrl;
  const env = config.env ?? {};
  if (matchesNoProxy(target, envVar(env, 'no_proxy'))) return undefined;
  if (config.proxy && config.proxy.trim()) return normalizeProxy(config.proxy.trim());
  const fromEnv =
    target.protocol === 'https:'
      ? envVar(env, 'https_proxy') ?? envVar(env, 'all_proxy')
      : envVar(env, 'http_proxy') ?? envVar(env, 'all_proxy');
  return fromEnv ? normalizeProxy(fromEnv) : undefined;
}
