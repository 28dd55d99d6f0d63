import type { Client } from '@grpc/grpc-js';
import { failedPrecondition, fromServiceError, unavailable } from '../errors.js';
import { createClient, waitForReady } from '../channel.js';
import { resolveLimits, type Limits } from '../limits.js';
import { unaryCall, type CallOptions, type UnaryMethod } from './call-options.js';

/**
 * One channel to one service at one address (made by core's createClient), with
 * unary calls as promises rejecting with FlorinError. close() is idempotent;
 * calls after it reject with FAILED_PRECONDITION.
 */
export class ServiceChannel<Stub extends Client> {
  readonly limits: Limits;
  readonly stub: Stub;
  private closed = false;

  constructor(
    service: string,
    private readonly label: string,
    readonly address: string,
    limits: Partial<Limits> | undefined,
  ) {
    this.limits = resolveLimits(limits);
    this.stub = createClient<Stub>(service, address, this.limits);
  }

  unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, options: CallOptions | undefined): Promise<Res> {
    this.assertOpen();
    return unaryCall(method.bind(this.stub), request, options, this.limits.defaultDeadlineMs);
  }

  /** Resolves once the channel is connected (connecting if idle); UNAVAILABLE after timeoutMs. */
  async waitForReady(timeoutMs: number): Promise<void> {
    this.assertOpen();
    try {
      await waitForReady(this.stub, timeoutMs);
    } catch (err) {
      throw err instanceof Error && !('code' in err) ? unavailable(`${this.label}: ${this.address} not reachable within ${timeoutMs} ms`, err) : fromServiceError(err);
    }
  }

  assertOpen(): void {
    if (this.closed) throw failedPrecondition(`${this.label} for ${this.address} is closed`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stub.close();
  }
}
