import './style.css';
import 'uplot/dist/uPlot.min.css';
import type { JobView } from './api.js';
import type { Page, PageFactory } from './page.js';
import { clusterPage } from './pages/cluster.js';
import { jobsPage } from './pages/jobs.js';
import { jobPage } from './pages/job.js';
import { resultsPage } from './pages/results.js';
import { dataPage } from './pages/data.js';
import { showLogin } from './pages/login.js';
import { api, ApiError } from './api.js';
import { h } from './dom.js';

const routes: { pattern: RegExp; nav: string; page: PageFactory }[] = [
  { pattern: /^\/cluster$/, nav: 'cluster', page: clusterPage },
  { pattern: /^\/jobs$/, nav: 'jobs', page: jobsPage },
  { pattern: /^\/jobs\/([^/]+)$/, nav: 'jobs', page: jobPage },
  { pattern: /^\/results(?:\/([^/]+))?$/, nav: 'results', page: resultsPage },
  { pattern: /^\/data$/, nav: 'data', page: dataPage },
];

const app = document.getElementById('app')!;
let current: Page | undefined;

function route(): void {
  const path = location.hash.replace(/^#/, '') || '/cluster';
  current?.dispose?.();
  current = undefined;
  app.replaceChildren();
  for (const r of routes) {
    const match = r.pattern.exec(path);
    if (!match) continue;
    for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) a.classList.toggle('active', a.dataset['nav'] === r.nav);
    document.body.dataset['page'] = r.nav;
    current = r.page(app, match.slice(1).filter((p): p is string => p !== undefined).map(decodeURIComponent));
    return;
  }
  location.hash = '#/cluster';
}

// Live updates: one event stream for the whole page; the mounted page patches what it shows.
function follow(): void {
  const live = document.getElementById('live')!;
  const events = new EventSource('./api/events');
  events.addEventListener('open', () => {
    live.textContent = 'live';
    live.className = 'live on';
  });
  events.addEventListener('error', () => {
    live.textContent = 'reconnecting…';
    live.className = 'live off';
  });
  events.addEventListener('job', (e) => current?.onJob?.(JSON.parse((e as MessageEvent<string>).data) as JobView));
  events.addEventListener('members', () => current?.onMembers?.());
}

interface SessionView {
  login: boolean;
  subject: string | null;
  role: string | null;
}

/** A secure cluster's dashboard needs a login first (401 from /api/session); then who is logged in shows in the header. */
async function start(): Promise<void> {
  let session: SessionView;
  try {
    session = await api<SessionView>('session');
  } catch (err) {
    if (err instanceof ApiError && err.code === 'UNAUTHENTICATED') {
      document.body.dataset['page'] = 'login';
      showLogin(app, () => location.reload());
      return;
    }
    throw err;
  }
  if (session.login) {
    const logout = async (): Promise<void> => {
      await api('logout', { method: 'POST' });
      location.reload();
    };
    document.getElementById('who')!.replaceChildren(
      h('span', { id: 'who-name' }, `${session.subject} (${session.role})`),
      ' ',
      h('button', { id: 'logout', class: 'link', onclick: () => void logout() }, 'log out'),
    );
  }
  follow();
  window.addEventListener('hashchange', route);
  route();
}

void start();
