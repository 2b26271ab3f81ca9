// The sign-in form. Used on its own before the first session, and over a view when a session
// ends, so that the view resumes where it was after signing in again.

import { api, setCsrf } from './api.js';
import { el } from './dom.js';

/**
 * Builds the form; `signedIn(session)` is called with {user, admin, csrf} after a good login.
 * `knownUser` (signing in again) is filled in, and the password gets the focus.
 */
export function loginView(signedIn, notice, knownUser) {
  const user = el('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true });
  const password = el('input', {
    id: 'login-password',
    type: 'password',
    name: 'password',
    autocomplete: 'current-password',
    required: true,
  });
  const error = el('p.login-error', { role: 'alert' });
  const submit = el('button.primary', { type: 'submit' }, 'Sign in');
  const form = el(
    'form.login-card',
    {
      onsubmit: async (e) => {
        e.preventDefault();
        error.textContent = '';
        submit.disabled = true;
        try {
          const session = await api.login(user.value, password.value);
          setCsrf(session.csrf);
          signedIn(session);
        } catch (err) {
          error.textContent = err.status === 429
            ? 'Too many failed attempts from this address: wait a moment, then try again.'
            : err.status === 401 ? 'Wrong user name or password.' : err.message;
          password.select();
        } finally {
          submit.disabled = false;
        }
      },
    },
    el('div.login-brand', {}, el('span.logo', {}, '▚'), 'procgate'),
    notice ? el('p.login-notice', {}, notice) : null,
    el('label', { htmlFor: 'login-user' }, 'User'),
    user,
    el('label', { htmlFor: 'login-password' }, 'Password'),
    password,
    error,
    submit,
  );
  if (knownUser) user.value = knownUser;
  const root = el('div.login', {}, form);
  return {
    root,
    focus: () => (knownUser ? password : user).focus(),
  };
}
