import { api, type JobView, type TaskLog, type TaskView } from '../api.js';
import { errorBox, fmtDuration, fmtNum, fmtTime, h, progressBar, stateBadge } from '../dom.js';
import type { Page } from '../page.js';

const PAGE_SIZE = 100;

/** One job: its summary (live), cancel, its failures, and its tasks a page at a time. */
export function jobPage(root: HTMLElement, [jobId]: string[]): Page {
  const id = jobId!;
  const summary = h('div', { id: 'job-summary' });
  const failure = h('div', { id: 'job-failure' });
  const actions = h('div', { class: 'toolbar' });
  const taskBody = h('tbody');
  const logs = h('div', { id: 'task-logs' }, h('button', { id: 'load-logs', onclick: () => void loadLogs() }, 'Show the tasks\' last log lines'));
  const pager = h('div', { class: 'pager' });
  const tokens: string[] = [''];
  let next = '';
  let taskState = '';
  let refreshTasks: number | undefined;
  const taskFilter = h(
    'select',
    { onchange: (e: Event) => ((taskState = (e.target as HTMLSelectElement).value), tokens.splice(1), void loadTasks()) },
    h('option', { value: '' }, 'all tasks'),
    ...['queued', 'leased', 'succeeded', 'failed', 'cancelled'].map((s) => h('option', { value: s }, s)),
  );
  root.append(
    h('p', {}, h('a', { href: '#/jobs' }, '‹ jobs')),
    h('h1', {}, 'Job ', h('span', { class: 'mono' }, id)),
    summary,
    actions,
    failure,
    h('h2', {}, 'Tasks'),
    h('div', { class: 'toolbar' }, taskFilter),
    h(
      'table',
      { id: 'tasks' },
      h('thead', {}, h('tr', {}, ...['task', 'symbols', 'state', 'attempts', 'QCU', 'started', 'duration', 'error'].map((t) => h('th', {}, t)))),
      taskBody,
    ),
    pager,
    h('h2', {}, 'Logs'),
    logs,
  );

  async function loadLogs(): Promise<void> {
    try {
      const { tasks } = await api<{ tasks: TaskLog[] }>(`jobs/${encodeURIComponent(id)}/logs`);
      logs.replaceChildren(
        ...(tasks.length === 0 ? [h('p', { class: 'note' }, 'No task has logged anything (yet).')] : []),
        ...tasks.map((t) =>
          h(
            'details',
            { 'data-task': t.index },
            h('summary', {}, `task ${t.index}${t.final ? ' (final)' : ''}, attempt ${t.attempt}, ${t.state}: ${t.lines.length} lines`),
            h('pre', {}, t.lines.map((l) => `${fmtTime(l.timeMs)}  ${l.message}`).join('\n')),
          ),
        ),
      );
    } catch (err) {
      logs.replaceChildren(errorBox(err));
    }
  }

  function show(job: JobView): void {
    summary.replaceChildren(
      h(
        'dl',
        { class: 'facts' },
        ...fact('state', stateBadge(job.state)),
        ...fact('unit', `${job.unit} ${job.unitVersion}`),
        ...fact('progress', progressBar(job.progress)),
        ...fact('tasks', `${job.tasksDone}/${job.tasksTotal} done, ${job.tasksRunning} running, ${job.retries} retries`),
        ...fact('rate', job.tasksPerSec === null ? '—' : `${fmtNum(job.tasksPerSec, 1)} tasks/s`),
        ...fact('ETA', fmtDuration(job.etaMs)),
        ...fact('owner', job.owner ?? '—'),
        ...fact('universe', `${job.symbolCount} symbols of ${job.dataset}, ${fmtTime(job.startMs).slice(0, 10)} to ${fmtTime(job.endMs).slice(0, 10)}`),
        ...fact('params', JSON.stringify(job.params)),
        ...fact('results in', job.outputDataset),
        ...fact('submitted', fmtTime(job.createdMs)),
        ...fact('finished', fmtTime(job.finishedMs)),
      ),
    );
    // Offered only where the caller may cancel (their own job, or any for admin); the API checks again.
    const cancellable = job.mayCancel;
    actions.replaceChildren(
      cancellable ? h('button', { id: 'cancel-job', class: 'danger', onclick: () => void cancel() }, 'Cancel job') : '',
      job.hasResult ? h('a', { id: 'open-result', class: 'button', href: `#/results/${encodeURIComponent(job.jobId)}` }, 'Open result') : '',
    );
    failure.replaceChildren(
      job.error
        ? h(
            'div',
            { class: 'error' },
            h('strong', {}, `Failed${job.failedTaskIndex !== null ? ` (task ${job.failedTaskIndex})` : ''}: `),
            job.error,
            job.errorStack ? h('pre', {}, job.errorStack) : '',
            job.failureLog?.length ? h('pre', { id: 'failure-log' }, job.failureLog.map((l) => `${fmtTime(l.timeMs)}  ${l.message}`).join('\n')) : '',
          )
        : '',
    );
  }

  async function cancel(): Promise<void> {
    if (!window.confirm(`Cancel job ${id}?`)) return;
    try {
      show(await api<JobView>(`jobs/${encodeURIComponent(id)}/cancel`, { method: 'POST' }));
      void loadTasks();
    } catch (err) {
      failure.replaceChildren(errorBox(err));
    }
  }

  async function loadTasks(): Promise<void> {
    try {
      const token = tokens[tokens.length - 1]!;
      const page = await api<{ tasks: TaskView[]; nextPageToken: string }>(
        `jobs/${encodeURIComponent(id)}/tasks?limit=${PAGE_SIZE}${taskState ? `&state=${taskState}` : ''}${token ? `&page_token=${encodeURIComponent(token)}` : ''}`,
      );
      next = page.nextPageToken;
      taskBody.replaceChildren(...page.tasks.map(taskRow));
      pager.replaceChildren(
        h('button', { disabled: tokens.length === 1, onclick: () => (tokens.pop(), void loadTasks()) }, '‹ previous'),
        h('span', {}, `page ${tokens.length}`),
        h('button', { disabled: !next, onclick: () => (tokens.push(next), void loadTasks()) }, 'next ›'),
      );
    } catch (err) {
      taskBody.replaceChildren(h('tr', {}, h('td', { colspan: 8 }, errorBox(err))));
    }
  }

  void api<JobView>(`jobs/${encodeURIComponent(id)}`).then(show, (err: unknown) => summary.replaceChildren(errorBox(err)));
  void loadTasks();
  return {
    onJob(job) {
      if (job.jobId !== id) return;
      show(job);
      // Tasks change with the job: refresh the page of tasks at most once a second.
      refreshTasks ??= window.setTimeout(() => {
        refreshTasks = undefined;
        void loadTasks();
      }, 1000);
    },
    dispose: () => window.clearTimeout(refreshTasks),
  };
}

function fact(name: string, value: Node | string): Node[] {
  return [h('dt', {}, name), h('dd', {}, value)];
}

function taskRow(t: TaskView): HTMLElement {
  return h(
    'tr',
    { 'data-task': t.index, 'data-state': t.state },
    h('td', { class: 'num' }, t.final ? `${t.index} (final)` : String(t.index)),
    h('td', {}, t.symbols),
    h('td', {}, stateBadge(t.state)),
    h('td', { class: 'num' }, t.failures + t.expiries > 0 ? `${t.attempts} (${t.failures} failed, ${t.expiries} expired)` : String(t.attempts)),
    h('td', {}, t.worker || '—'),
    h('td', {}, fmtTime(t.startedMs)),
    h('td', { class: 'num' }, fmtDuration(t.durationMs)),
    h('td', {}, t.error ? h('details', {}, h('summary', {}, t.error), t.errorStack ? h('pre', {}, t.errorStack) : '') : ''),
  );
}
