// The page's entry point: the session, the header, and the router between the views.
//   #/              the process list
//   #/p/NAME        a process's console at its newest line
//   #/p/NAME/L1234  the same console at line 1234 (a link to share)

import { api, setCsrf, onUnauthorized } from './api.js';
import { el, clear } from './dom.js';
import { loginView } from './login.js';
import { ProcessListView } from './processes.js';
import { ConsoleView } from './console.js';

const main = document.getElementById('view');
const overlay = document.getElementById('overlay');
const who = document.getElementById('who');
const logout = document.getElementById('logout');

let session = null;
let current = null; // {kind, name, view}
let resumeAfterLogin = [];

function parseRoute() {
  const m = /^#\/p\/([^/]+)(?:\/L(\d+))?$/.exec(location.hash);
  if (!m) return { kind: 'list' };
  let name;
  try {
    name = decodeURIComponent(m[1]);
  } catch (e) {
    return { kind: 'list' };
  }
  return { kind: 'console', name, line: m[2] === undefined ? null : parseInt(m[2], 10) };
}

function route() {
  if (!session) return;
  const r = parseRoute();
  if (current && current.kind === 'console' && r.kind === 'console' && current.name === r.name) {
    current.view.goto(r.line);
    return;
  }
  if (current) current.view.destroy();
  clear(main);
  const view = r.kind === 'console'
    ? new ConsoleView(r.name, r.line, session, { onSessionEnded: askToSignIn })
    : new ProcessListView();
  current = { kind: r.kind, name: r.name, view };
  document.title = r.kind === 'console' ? `${r.name} · procgate` : 'procgate';
  view.mount(main);
}

function showSession() {
  clear(who);
  if (!session) return;
  who.appendChild(el('span.user', {}, session.user));
  if (session.admin) who.appendChild(el('span.tag.admin', {}, 'admin'));
  logout.hidden = false;
}

/** Shows the sign-in form over whatever is on screen; `resume` runs once signed in again. */
function askToSignIn(resume) {
  if (resume) resumeAfterLogin.push(resume);
  if (!overlay.hidden) return;
  const first = session === null;
  const form = loginView((s) => {
    const sameUser = session && session.user === s.user;
    session = { user: s.user, admin: !!s.admin };
    setCsrf(s.csrf);
    overlay.hidden = true;
    clear(overlay);
    showSession();
    const pending = resumeAfterLogin;
    resumeAfterLogin = [];
    if (first || !sameUser) {
      if (current) current.view.destroy();
      current = null;
      route();
    } else {
      pending.forEach((f) => f());
    }
  }, first ? null : 'Your session ended. Sign in again to carry on where you were.', first ? null : session.user);
  overlay.replaceChildren(form.root);
  overlay.hidden = false;
  form.focus();
}

logout.addEventListener('click', async () => {
  try {
    await api.logout();
  } catch (e) {
    // the session is gone either way
  }
  session = null;
  if (current) current.view.destroy();
  current = null;
  clear(main);
  showSession();
  logout.hidden = true;
  askToSignIn(null);
});

onUnauthorized(() => askToSignIn(() => current && current.view.resume && current.view.resume()));
window.addEventListener('hashchange', route);

async function boot() {
  // a one-time console link (?token=...) has done its work once the page loads: keep it out of
  // the address bar, the history and any link copied from there
  if (location.search) history.replaceState(null, '', location.pathname + location.hash);
  try {
    const s = await api.session();
    session = { user: s.user, admin: !!s.admin };
    setCsrf(s.csrf);
  } catch (e) {
    session = null;
  }
  showSession();
  if (session) route();
  else askToSignIn(null);
}

boot();
