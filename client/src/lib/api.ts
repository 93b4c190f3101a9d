// REST calls to the hydromon server. The token (when the server needs one) comes from the page's
// ?token= once and is kept for the tab, so links and the socket carry it.

const KEY = 'hydromon.token';

export function authToken(): string | null {
  const fromUrl = new URLSearchParams(location.search).get('token');
  if (fromUrl) {
    try { sessionStorage.setItem(KEY, fromUrl); } catch { /* private mode: keep using the URL */ }
    return fromUrl;
  }
  try { return sessionStorage.getItem(KEY); } catch { return null; }
}

/** `path` with the query parameters (undefined ones left out) and the token. */
export function apiUrl(path: string, params: Record<string, string | number | undefined> = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const t = authToken();
  if (t) q.set('token', t);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export class ApiError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export async function getJson<T>(path: string, params: Record<string, string | number | undefined> = {}, signal?: AbortSignal): Promise<T> {
  const res = await fetch(apiUrl(path, params), { signal, headers: { accept: 'application/json' } });
  if (!res.ok) {
    let msg = `${res.status} ${res.statusText}`;
    try { const body = (await res.json()) as { message?: string }; if (body.message) msg = body.message; } catch { /* not JSON */ }
    throw new ApiError(res.status, msg);
  }
  return (await res.json()) as T;
}

export function socketUrl(): string {
  const proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const t = authToken();
  return `${proto}//${location.host}/ws${t ? `?token=${encodeURIComponent(t)}` : ''}`;
}
