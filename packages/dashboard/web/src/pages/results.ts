import { api, type JobView, type ResultView } from '../api.js';
import { lineChart } from '../charts.js';
import { errorBox, fmtDate, fmtNum, fmtPct, fmtTime, h } from '../dom.js';
import type { Page } from '../page.js';

/** #/results: succeeded jobs with a result; #/results/<job>: that result, with the equity curve and drawdown of a backtest. */
export function resultsPage(root: HTMLElement, [jobId]: string[]): Page {
  return jobId ? resultPage(root, jobId) : resultList(root);
}

function resultList(root: HTMLElement): Page {
  const body = h('tbody');
  root.append(
    h('h1', {}, 'Results'),
    h('p', {}, 'Succeeded jobs whose unit has a final step (the newest 100).'),
    h('table', { id: 'results' }, h('thead', {}, h('tr', {}, ...['job', 'unit', 'symbols', 'finished'].map((t) => h('th', {}, t)))), body),
  );
  void api<{ jobs: JobView[] }>('jobs?state=succeeded&limit=100').then(
    ({ jobs }) => {
      const withResult = jobs.filter((j) => j.hasResult);
      body.replaceChildren(
        ...withResult.map((j) =>
          h('tr', { 'data-job': j.jobId }, h('td', { class: 'mono' }, h('a', { href: `#/results/${encodeURIComponent(j.jobId)}` }, j.jobId)), h('td', {}, j.unit), h('td', { class: 'num' }, j.symbolCount), h('td', {}, fmtTime(j.finishedMs))),
        ),
      );
      if (withResult.length === 0) body.append(h('tr', {}, h('td', { colspan: 4, class: 'empty' }, 'no results yet')));
    },
    (err: unknown) => body.replaceChildren(h('tr', {}, h('td', { colspan: 4 }, errorBox(err)))),
  );
  return {};
}

function resultPage(root: HTMLElement, jobId: string): Page {
  const disposers: (() => void)[] = [];
  const content = h('div', {});
  root.append(h('p', {}, h('a', { href: `#/jobs/${encodeURIComponent(jobId)}` }, '‹ job')), h('h1', {}, 'Result of ', h('span', { class: 'mono' }, jobId)), content);
  void api<ResultView>(`jobs/${encodeURIComponent(jobId)}/result`).then(
    (result) => {
      if (!result.summary) {
        content.append(h('p', {}, 'This job has no result (yet): only a succeeded job whose unit has a final step has one.'));
        return;
      }
      const eq = result.equity;
      if (eq) {
        const equityHost = h('div', { id: 'equity-chart', class: 'chart' });
        const drawdownHost = h('div', { id: 'drawdown-chart', class: 'chart' });
        content.append(
          h(
            'div',
            { class: 'cards' },
            card('Sharpe', fmtNum(eq.sharpe), 'sharpe'),
            card('Max drawdown', fmtPct(eq.maxDrawdown), 'max-drawdown'),
            card('Total return', fmtPct(numberOr(result.summary['totalReturn'])), 'total-return'),
            card('Days', String(eq.timestamps.length), 'days'),
          ),
          h('h2', {}, `Equity curve ${eq.timestamps.length > 0 ? `(${fmtDate(eq.timestamps[0]!)} to ${fmtDate(eq.timestamps[eq.timestamps.length - 1]!)})` : ''}`),
          equityHost,
          h('h2', {}, 'Drawdown'),
          drawdownHost,
        );
        disposers.push(lineChart(equityHost, eq.timestamps, [{ label: 'equity', values: eq.equity, color: '#2563eb', format: (v) => v.toFixed(2) }]));
        disposers.push(lineChart(drawdownHost, eq.timestamps, [{ label: 'drawdown', values: eq.drawdown.map((d) => -d), color: '#dc2626', fill: 'rgba(220,38,38,0.15)', format: (v) => `${(v * 100).toFixed(1)}%` }], 180));
      }
      content.append(h('h2', {}, 'Summary'), h('pre', { id: 'result-summary' }, JSON.stringify(result.summary, null, 2)));
    },
    (err: unknown) => content.replaceChildren(errorBox(err)),
  );
  return { dispose: () => disposers.forEach((d) => d()) };
}

function card(label: string, value: string, id: string): HTMLElement {
  return h('div', { class: 'card' }, h('div', { class: 'big', id }, value), h('div', {}, label));
}

function numberOr(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}
