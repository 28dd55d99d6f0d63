import { Metadata } from '@grpc/grpc-js';
import {
  COALESCE_METADATA_KEY,
  COALESCE_OFF,
  DataServiceClient,
  unaryCall,
  type CallOptions,
  type ClientSecurity,
  type DataServiceStub,
  type Limits,
  type WriteRequestMessage,
} from '@florin/core';

/**
 * Request metadata a head sets on calls it forwards to the owning head: its own
 * id. The receiver serves such a call itself and never forwards it again.
 */
export const PEER_METADATA_KEY = 'florin-peer';

export interface PeerReadOptions extends CallOptions {
  /** false: the owner bypasses its cache too ("florin-coalesce: off" passed on). */
  coalesce?: boolean;
}

/** The sender id a call carries in PEER_METADATA_KEY, or undefined for a call from a client. */
export function peerOf(metadata: Metadata): string | undefined {
  const value = metadata.get(PEER_METADATA_KEY)[0];
  return value === undefined ? undefined : String(value);
}

/**
 * One head's client of another head's HeadService, for peer reads and writes:
 * every call carries `florin-peer: <this head's id>`.
 */
export class PeerClient extends DataServiceClient<DataServiceStub, PeerReadOptions> {
  constructor(
    readonly selfId: string,
    address: string,
    limits: Partial<Limits>,
    security?: ClientSecurity,
  ) {
    super('florin.v1.HeadService', 'peer head', address, { limits, security });
  }

  /** Forwards an already validated WriteRequest (some of its blocks) to the owner as is. */
  forwardWrite(request: WriteRequestMessage, options: CallOptions): Promise<number> {
    const stub = this.stub as unknown as {
      Write(r: WriteRequestMessage, m: Metadata, o: object, cb: (err: unknown, res?: { rowsWritten: number }) => void): { cancel(): void };
    };
    const metadata = this.peerMetadata();
    const method = (r: WriteRequestMessage, o: object, cb: (err: unknown, res?: { rowsWritten: number }) => void) => stub.Write(r, metadata, o, cb);
    return unaryCall(method as never, request, options, this.limits.defaultDeadlineMs).then((res) => (res as { rowsWritten: number }).rowsWritten);
  }

  protected override readMetadata(options: PeerReadOptions | undefined): Metadata {
    const metadata = this.peerMetadata();
    if (options?.coalesce === false) metadata.set(COALESCE_METADATA_KEY, COALESCE_OFF);
    return metadata;
  }

  private peerMetadata(): Metadata {
    const metadata = new Metadata();
    metadata.set(PEER_METADATA_KEY, this.selfId);
    return metadata;
  }
}
