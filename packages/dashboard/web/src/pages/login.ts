import { api } from '../api.js';
import { errorBox, h } from '../dom.js';

/**
 * The login form of a secure cluster's dashboard: paste a Florin token
 * (`florin token issue --role researcher --subject <you>`); the server verifies
 * it and keeps a session cookie until the token expires. (`florin up` prints a
 * one-time login link instead, for its admin token.)
 */
export function showLogin(root: HTMLElement, onLoggedIn: () => void): void {
  const token = h('textarea', { id: 'login-token', rows: 5, cols: 80, placeholder: 'eyJhbGciOiJFUzI1NiIs…', autocomplete: 'off', spellcheck: 'false' });
  const status = h('div', { id: 'login-status' });
  const submit = async (event: Event): Promise<void> => {
    event.preventDefault();
    try {
      await api('login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: token.value }) });
      onLoggedIn();
    } catch (err) {
      status.replaceChildren(errorBox(err));
    }
  };
  root.replaceChildren(
    h(
      'section',
      { class: 'login' },
      h('h2', {}, 'Log in'),
      h('p', {}, 'This cluster checks who calls it. Paste your token (florin token issue --role researcher --subject <you>), or open the login link florin up printed.'),
      h('form', { id: 'login-form', onsubmit: (e: Event) => void submit(e) }, token, h('div', {}, h('button', { type: 'submit', id: 'login-submit' }, 'Log in')), status),
    ),
  );
}
