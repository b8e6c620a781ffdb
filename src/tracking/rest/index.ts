export { RestStore, testConnection, type RestOptions, type ProbeResult } from './restStore';
export { HttpClient, retryAfterMs, type HttpClientOptions, type HttpRequest } from './httpClient';
export { proxyFor, matchesNoProxy, type ProxyConfig } from './proxy';
export { authorizationHeader, redactUri, type RestAuth } from './auth';
export { proxiedRoot, proxiedFileUrl, encodePath } from './artifactsProxy';
export { httpError, transportError } from './classify';
