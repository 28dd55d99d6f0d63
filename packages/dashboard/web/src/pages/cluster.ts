import { api, type MemberView, type MembersPage } from '../api.js';
import { errorBox, fmtBytes, fmtDuration, fmtInt, fmtNum, fmtPct, h } from '../dom.js';
import type { Page } from '../page.js';

const PAGE_SIZE = 50;
const REFRESH_MS = 2_000;

/** Every member found through discovery (paged), and for head nodes their rates, latency and cache. */
export function clusterPage(root: HTMLElement): Page {
  let offset = 0;
  let role = '';
  let timer: number | undefined;
  const summary = h('div', { class: 'cards' });
  const body = h('tbody');
  const pager = h('div', { class: 'pager' });
  const filter = h(
    'select',
    { onchange: (e: Event) => ((role = (e.target as HTMLSelectElement).value), (offset = 0), void load()) },
    h('option', { value: '' }, 'all roles'),
    ...['coordinator', 'head', 'shard'].map((r) => h('option', { value: r }, r)),
  );
  root.append(
    h('h1', {}, 'Cluster'),
    summary,
    h('div', { class: 'toolbar' }, filter),
    h(
      'table',
      { id: 'members' },
      h('thead', {}, h('tr', {}, ...['member', 'role', 'address', 'health', 'version', 'uptime', 'req/s', 'p50', 'p99', 'hit ratio', 'amplification', 'cache'].map((t) => h('th', {}, t)))),
      body,
    ),
    pager,
  );

  async function load(): Promise<void> {
    try {
      const page = await api<MembersPage>(`cluster?offset=${offset}&limit=${PAGE_SIZE}${role ? `&role=${role}` : ''}`);
      summary.replaceChildren(
        ...Object.entries(page.roles).map(([r, c]) => h('div', { class: 'card' }, h('div', { class: 'big' }, `${c.healthy}/${c.members}`), h('div', {}, `${r}s healthy`))),
      );
      body.replaceChildren(...page.members.map(memberRow));
      pager.replaceChildren(
        h('button', { disabled: offset === 0, onclick: () => ((offset = Math.max(0, offset - PAGE_SIZE)), void load()) }, '‹ previous'),
        h('span', {}, page.total === 0 ? 'no members' : `${offset + 1}–${Math.min(page.total, offset + PAGE_SIZE)} of ${fmtInt(page.total)}`),
        h('button', { disabled: offset + PAGE_SIZE >= page.total, onclick: () => ((offset += PAGE_SIZE), void load()) }, 'next ›'),
      );
    } catch (err) {
      body.replaceChildren(h('tr', {}, h('td', { colspan: 12 }, errorBox(err))));
    }
  }

  const tick = (): void => {
    timer = window.setTimeout(() => void load().finally(tick), REFRESH_MS);
  };
  void load().finally(tick);
  return {
    onMembers: () => void load(),
    dispose: () => window.clearTimeout(timer),
  };
}

function memberRow(m: MemberView): HTMLElement {
  const head = m.head;
  const cache = head ? h('div', { class: 'bar', title: `${fmtBytes(head.cacheBytes)} of ${fmtBytes(head.cacheMaxBytes)}` }, h('div', { class: 'fill', style: `width:${((head.cacheBytes / Math.max(1, head.cacheMaxBytes)) * 100).toFixed(1)}%` }), h('span', {}, `${fmtBytes(head.cacheBytes)} / ${fmtBytes(head.cacheMaxBytes)}`)) : '';
  return h(
    'tr',
    { 'data-member': m.id, 'data-role': m.role },
    h('td', {}, m.id),
    h('td', {}, m.role),
    h('td', { class: 'mono' }, m.address),
    h('td', {}, h('span', { class: `badge health-${m.health}` }, m.health)),
    h('td', {}, m.version || '—'),
    h('td', {}, fmtDuration(m.uptimeMs)),
    h('td', { class: 'num' }, head ? fmtNum(head.requestsPerSec, 1) : ''),
    h('td', { class: 'num' }, head ? `${fmtNum(head.readP50Ms, 1)} ms` : ''),
    h('td', { class: 'num' }, head ? `${fmtNum(head.readP99Ms, 1)} ms` : ''),
    h('td', { class: 'num' }, head ? fmtPct(head.hitRatio) : ''),
    h('td', { class: 'num' }, head ? fmtNum(head.amplification, 3) : ''),
    h('td', {}, cache),
  );
}
