// The public HTTP API (docs/web.md), and nothing else: the page has no private back door.

let csrfToken = null;
let unauthorizedHandler = () => {};

/** An HTTP answer other than 2xx; `status` is the code, `message` the server's "error" or "result". */
export class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

export function setCsrf(token) {
  csrfToken = token;
}

/** Called on every 401 but the login's own (the session is gone: ask the person to sign in). */
export function onUnauthorized(handler) {
  unauthorizedHandler = handler;
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET') {
    headers['Content-Type'] = 'application/json';
    if (csrfToken) headers['X-CSRF-Token'] = csrfToken;
  }
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch (e) {
    throw new ApiError(0, 'the gateway cannot be reached', null);
  }
  if (res.status === 204) return null;
  let data = null;
  try {
    data = await res.json();
  } catch (e) {
    data = null;
  }
  if (!res.ok) {
    const message = (data && (data.error || data.result)) || `HTTP ${res.status}`;
    if (res.status === 401 && path !== '/api/login' && path !== '/api/session') unauthorizedHandler();
    throw new ApiError(res.status, message, data);
  }
  return data;
}

const proc = (name) => `/api/processes/${encodeURIComponent(name)}`;

export const api = {
  session: () => request('GET', '/api/session'),
  login: (user, password) => request('POST', '/api/login', { user, password }),
  logout: () => request('POST', '/api/logout', {}),
  processes: () => request('GET', '/api/processes'),
  process: (name) => request('GET', proc(name)),
  lines: (name, from, limit) => request('GET', `${proc(name)}/lines?from=${from}&limit=${limit}`),
  search: (name, q, before, limit) =>
    request('GET', `${proc(name)}/search?q=${encodeURIComponent(q)}&before=${before}&limit=${limit}`),
  /** start, stop, restart, kill */
  action: (name, action) => request('POST', `${proc(name)}/${action}`, {}),
  input: (name, line) => request('POST', `${proc(name)}/input`, { line }),
  logUrl: (name, from, to) => `${proc(name)}/log?from=${from}&to=${to}`,
  consoleUrl: (name, from) => {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    return `${scheme}://${location.host}${proc(name)}/console?from=${from}`;
  },
};
