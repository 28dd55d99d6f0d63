import { api, type JobView } from '../api.js';
import { errorBox, fmtDuration, fmtNum, fmtTime, h, progressBar, stateBadge } from '../dom.js';
import type { Page } from '../page.js';

const PAGE_SIZE = 50;
const STATES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'];

/**
 * The jobs, newest first, a page at a time (page tokens from the coordinator's
 * List). Live job events patch the rows on screen in place; a new job appears
 * at the top of the first page.
 */
export function jobsPage(root: HTMLElement): Page {
  let state = '';
  const tokens: string[] = ['']; // the token of each page visited; the last one is shown
  let next = '';
  const rows = new Map<string, HTMLTableRowElement>();
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const filter = h(
    'select',
    { id: 'state-filter', onchange: (e: Event) => ((state = (e.target as HTMLSelectElement).value), tokens.splice(1), void load()) },
    h('option', { value: '' }, 'all states'),
    ...STATES.map((s) => h('option', { value: s }, s)),
  );
  root.append(
    h('h1', {}, 'Jobs'),
    h('div', { class: 'toolbar' }, filter),
    h(
      'table',
      { id: 'jobs' },
      h('thead', {}, h('tr', {}, ...['job', 'unit', 'state', 'progress', 'tasks', 'rate', 'ETA', 'owner', 'submitted'].map((t) => h('th', {}, t)))),
      body,
    ),
    pager,
  );

  async function load(): Promise<void> {
    try {
      const token = tokens[tokens.length - 1]!;
      const page = await api<{ jobs: JobView[]; nextPageToken: string }>(`jobs?limit=${PAGE_SIZE}${state ? `&state=${state}` : ''}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`);
      next = page.nextPageToken;
      rows.clear();
      body.replaceChildren(...page.jobs.map((j) => remember(jobRow(j))));
      if (page.jobs.length === 0) body.append(h('tr', {}, h('td', { colspan: 9, class: 'empty' }, 'no jobs')));
      pager.replaceChildren(
        h('button', { disabled: tokens.length === 1, onclick: () => (tokens.pop(), void load()) }, '‹ newer'),
        h('span', {}, `page ${tokens.length}`),
        h('button', { disabled: !next, onclick: () => (tokens.push(next), void load()) }, 'older ›'),
      );
    } catch (err) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 9 }, errorBox(err))));
    }
  }

  function remember(row: HTMLTableRowElement): HTMLTableRowElement {
    rows.set(row.dataset['job']!, row);
    return row;
  }

  void load();
  return {
    onJob(job) {
      const shown = rows.get(job.jobId);
      const matches = !state || job.state === state;
      if (shown) {
        if (matches) shown.replaceWith(remember(jobRow(job)));
        return;
      }
      // A job not on screen: new ones go on top of the first page.
      if (tokens.length !== 1 || !matches) return;
      const newest = [...rows.values()][0];
      if (newest && Number(newest.dataset['created']) > job.createdMs) return;
      body.querySelector('td.empty')?.parentElement?.remove();
      body.prepend(remember(jobRow(job)));
      while (rows.size > PAGE_SIZE) {
        const last = body.lastElementChild as HTMLTableRowElement;
        rows.delete(last.dataset['job']!);
        last.remove();
      }
    },
  };
}

function jobRow(j: JobView): HTMLTableRowElement {
  return h(
    'tr',
    { 'data-job': j.jobId, 'data-state': j.state, 'data-created': j.createdMs },
    h('td', { class: 'mono' }, h('a', { href: `#/jobs/${encodeURIComponent(j.jobId)}` }, j.jobId)),
    h('td', {}, j.unit),
    h('td', {}, stateBadge(j.state)),
    h('td', {}, progressBar(j.progress)),
    h('td', { class: 'num' }, `${j.tasksDone}/${j.tasksTotal}`),
    h('td', { class: 'num' }, j.tasksPerSec === null ? '—' : `${fmtNum(j.tasksPerSec, 1)} tasks/s`),
    h('td', { class: 'num' }, fmtDuration(j.etaMs)),
    h('td', {}, j.owner ?? '—'),
    h('td', {}, fmtTime(j.createdMs)),
  );
}
