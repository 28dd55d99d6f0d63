import { describe, expect, it } from 'vitest';
import { hostPort } from '@florin/core';

describe('hostPort', () => {
  it('brackets an IPv6 host and leaves names, IPv4 and bracketed hosts alone', () => {
    expect(hostPort('127.0.0.1', 50051)).toBe('127.0.0.1:50051');
    expect(hostPort('head-0.florin.local', 7000)).toBe('head-0.florin.local:7000');
    expect(hostPort('::1', 0)).toBe('[::1]:0');
    expect(hostPort('[::1]', 9)).toBe('[::1]:9');
  });
});
