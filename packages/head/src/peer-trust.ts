import type { Metadata } from '@grpc/grpc-js';
import { callerOf } from '@florin/core';
import { peerOf } from './peer-client.js';

/**
 * Which calls a head treats as forwarded by another head: the id their
 * `florin-peer` metadata names, or undefined for a client's call. A forwarded
 * call is served here whatever the ownership ring says, outside the read slots,
 * and a forwarded write is applied here, so the header is a privilege.
 */
export type PeerTrust = (metadata: Metadata) => string | undefined;

/**
 * The rule: a server that checks no identity (plaintext, or TLS without
 * authentication) trusts the header, like everything else a caller sends it;
 * a server that checks identities honours it only from a verified caller with
 * the role `head`. Any other caller's header is ignored: the call is served as
 * that caller's own (routed to the owning head, counted against the read
 * slots), which its role already allows, so it is not refused.
 */
export function peerTrust(checksIdentity: boolean): PeerTrust {
  if (!checksIdentity) return peerOf;
  return (metadata) => {
    const peer = peerOf(metadata);
    return peer !== undefined && callerOf(metadata)?.role === 'head' ? peer : undefined;
  };
}
