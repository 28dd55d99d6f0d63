import { api, type DatasetView } from '../api.js';
import { lineChart } from '../charts.js';
import { errorBox, fmtInt, h } from '../dom.js';
import type { Page } from '../page.js';

/** Datasets with their fields and symbol counts, and a chart of one symbol's series over a range, read through the heads. */
export function dataPage(root: HTMLElement): Page {
  let dispose: (() => void) | undefined;
  const body = h('tbody');
  const dataset = h('select', { id: 'series-dataset' });
  const field = h('select', { id: 'series-field' });
  const symbol = h('input', { id: 'series-symbol', list: 'symbol-list', placeholder: 'symbol', size: 10 });
  const symbolList = h('datalist', { id: 'symbol-list' });
  const from = h('input', { id: 'series-from', type: 'date' });
  const to = h('input', { id: 'series-to', type: 'date' });
  const chartHost = h('div', { id: 'series-chart', class: 'chart' });
  const note = h('p', { class: 'note' });
  let datasets: DatasetView[] = [];

  root.append(
    h('h1', {}, 'Data'),
    h('table', { id: 'datasets' }, h('thead', {}, h('tr', {}, ...['dataset', 'frequency', 'fields', 'symbols'].map((t) => h('th', {}, t)))), body),
    h('h2', {}, 'Series'),
    h(
      'form',
      { class: 'toolbar', onsubmit: (e: Event) => (e.preventDefault(), void draw()) },
      dataset,
      symbol,
      symbolList,
      field,
      h('label', {}, 'from ', from),
      h('label', {}, 'to ', to),
      h('button', { type: 'submit', id: 'series-draw' }, 'Draw'),
    ),
    note,
    chartHost,
  );

  function chooseDataset(name: string): void {
    const d = datasets.find((x) => x.name === name);
    field.replaceChildren(...(d?.fields ?? []).map((f) => h('option', { value: f, selected: f === 'close' }, f)));
    void loadSymbols(name, '');
  }

  async function loadSymbols(name: string, prefix: string): Promise<void> {
    const page = await api<{ total: number; symbols: string[] }>(`datasets/${encodeURIComponent(name)}/symbols?limit=50&prefix=${encodeURIComponent(prefix)}`);
    symbolList.replaceChildren(...page.symbols.map((s) => h('option', { value: s })));
    if (!symbol.value && page.symbols[0]) symbol.value = page.symbols[0];
  }

  async function draw(): Promise<void> {
    dispose?.();
    dispose = undefined;
    chartHost.replaceChildren();
    const q = new URLSearchParams({ dataset: dataset.value, symbol: symbol.value.trim(), field: field.value });
    if (from.value) q.set('from', from.value);
    if (to.value) q.set('to', to.value);
    try {
      const started = performance.now();
      const s = await api<{ timestamps: number[]; values: number[] }>(`series?${q.toString()}`);
      note.textContent = `${fmtInt(s.timestamps.length)} points of ${q.get('symbol')} ${q.get('field')}, read through the head nodes in ${Math.round(performance.now() - started)} ms`;
      if (s.timestamps.length > 0) dispose = lineChart(chartHost, s.timestamps, [{ label: `${q.get('symbol')} ${q.get('field')}`, values: s.values, color: '#0f766e' }]);
    } catch (err) {
      chartHost.replaceChildren(errorBox(err));
    }
  }

  dataset.addEventListener('change', () => chooseDataset(dataset.value));
  symbol.addEventListener('input', () => void loadSymbols(dataset.value, symbol.value.trim()).catch(() => {}));
  void api<{ datasets: DatasetView[] }>('datasets').then(
    (answer) => {
      datasets = answer.datasets;
      body.replaceChildren(
        ...datasets.map((d) => h('tr', { 'data-dataset': d.name }, h('td', {}, d.name), h('td', {}, d.frequency), h('td', {}, d.fields.join(', ')), h('td', { class: 'num' }, fmtInt(d.symbolCount)))),
      );
      dataset.replaceChildren(...datasets.map((d) => h('option', { value: d.name, selected: d.name === 'bars' }, d.name)));
      if (datasets.length > 0) chooseDataset(dataset.value);
    },
    (err: unknown) => body.replaceChildren(h('tr', {}, h('td', { colspan: 4 }, errorBox(err)))),
  );
  return { dispose: () => dispose?.() };
}
