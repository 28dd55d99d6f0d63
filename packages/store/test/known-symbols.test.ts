import { describe, expect, it } from 'vitest';
import { KnownSymbols } from '../src/known-symbols.js';

describe('KnownSymbols', () => {
  it('remembers a listing, adds the symbols of later writes in byte order, and hands out copies', () => {
    const known = new KnownSymbols();
    expect(known.get('d')).toBeUndefined();
    known.remember('d', known.begin('d'), ['B', 'M']);
    known.wrote('d', ['Z', 'A', 'M', 'B10']);
    expect(known.get('d')).toEqual(['A', 'B', 'B10', 'M', 'Z']);
    known.get('d')!.push('X');
    expect(known.get('d')).toEqual(['A', 'B', 'B10', 'M', 'Z']);
    expect(known.get('other')).toBeUndefined();
  });

  it('does not remember a listing that a write raced, nor keep a list after a failed write', () => {
    const known = new KnownSymbols();
    const token = known.begin('d');
    known.wrote('d', ['NEW']); // committed while the listing ran: the listing may lack NEW
    known.remember('d', token, ['OLD']);
    expect(known.get('d')).toBeUndefined();
    known.remember('d', known.begin('d'), ['NEW', 'OLD']);
    expect(known.get('d')).toEqual(['NEW', 'OLD']);
    known.forget('d');
    expect(known.get('d')).toBeUndefined();
  });
});
