import { describe, expect, it } from 'vitest';
import { StaticMembership, parseMembers, resolveHeadOptions } from '@florin/head';

describe('head membership', () => {
  it('parses --peers: id=host:port entries, bare addresses as their own id', () => {
    expect(parseMembers('head-0=127.0.0.1:7001, head-1=127.0.0.1:7002')).toEqual([
      { id: 'head-0', address: '127.0.0.1:7001' },
      { id: 'head-1', address: '127.0.0.1:7002' },
    ]);
    expect(parseMembers(['127.0.0.1:7003'])).toEqual([{ id: '127.0.0.1:7003', address: '127.0.0.1:7003' }]);
    expect(() => parseMembers('head-0=')).toThrow(/id=host:port/);
    expect(() => parseMembers('a=1.1.1.1:1,a=1.1.1.1:2')).toThrow(/listed twice/);
  });

  it('tells listeners about every change, until they unsubscribe', () => {
    const m = new StaticMembership('head-0', [{ id: 'head-0', address: 'x:1' }]);
    const seen: number[] = [];
    const off = m.onChange((members) => seen.push(members.length));
    m.set([{ id: 'head-0', address: 'x:1' }, { id: 'head-1', address: 'x:2' }]);
    off();
    m.set([]);
    expect(seen).toEqual([2]);
    expect(m.members()).toEqual([]);
  });

  it('a head takes its id from the membership, and refuses two ids or two memberships', () => {
    const membership = new StaticMembership('head-3', []);
    expect(resolveHeadOptions({ membership }).nodeId).toBe('head-3');
    expect(() => resolveHeadOptions({ membership, nodeId: 'head-4' })).toThrow(/differs/);
    expect(() => resolveHeadOptions({ membership, peers: [] })).toThrow(/not both/);
    expect(resolveHeadOptions({ nodeId: 'head-0', peers: [{ id: 'head-0', address: 'x:1' }] }).membership?.members()).toHaveLength(1);
  });
});
