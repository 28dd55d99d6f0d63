import type { Client } from '@grpc/grpc-js';
import { failedPrecondition, fromServiceError, unavailable } from '../errors.js';
import { createClient, waitForReady } from '../channel.js';
import { resolveLimits, type Limits } from '../limits.js';
import { unaryCall, type CallOptions, type UnaryMethod } from './call-options.js';
import { fixedAddress, type AddressSource } from './address-source.js';
import { stubMethodName, timeClientCall } from '../tracing/client-duration.js';
import type { ClientSecurity } from '../security/security-options.js';

/**
 * One channel to one service (made by core's createClient), with unary calls
 * as promises rejecting with FlorinError. The address is fixed, or an
 * AddressSource (discovery) whose changes the channel follows: a new stub for
 * the new address, the old one closed (calls already on it finish or fail and
 * are retried by their callers). While discovery shows no member, calls still
 * go to the last one (a leaving singleton serves through its drain notice). close() is idempotent; calls after it reject
 * with FAILED_PRECONDITION.
 */
export class ServiceChannel<Stub extends Client> {
  readonly limits: Limits;
  private readonly source: AddressSource;
  private currentStub: Stub | undefined;
  private currentAddress: string | undefined;
  private readonly unsubscribe: () => void;
  private closed = false;

  constructor(
    private readonly service: string,
    private readonly label: string,
    address: string | AddressSource,
    limits: Partial<Limits> | undefined,
    private readonly security?: ClientSecurity,
  ) {
    this.limits = resolveLimits(limits);
    this.source = typeof address === 'string' ? fixedAddress(address) : address;
    this.unsubscribe = this.source.onChange(() => this.retarget());
    this.retarget();
  }

  /** The address calls go to now ('' while discovery knows no member). */
  get address(): string {
    return this.currentAddress ?? '';
  }

  /** The stub for the current address; UNAVAILABLE while there is none. */
  get stub(): Stub {
    this.assertOpen();
    if (!this.currentStub) throw unavailable(`${this.label}: no member of ${this.source.description} is known yet`);
    return this.currentStub;
  }

  unary<Req, Res>(method: UnaryMethod<Req, Res>, request: Req, options: CallOptions | undefined): Promise<Res> {
    this.assertOpen();
    const stub = this.stub;
    return timeClientCall(this.service, stubMethodName(stub, method), unaryCall(method.bind(stub), request, options, this.limits.defaultDeadlineMs));
  }

  /** Resolves once the channel is connected (connecting if idle); UNAVAILABLE after timeoutMs. */
  async waitForReady(timeoutMs: number): Promise<void> {
    const stub = this.stub;
    try {
      await waitForReady(stub, timeoutMs);
    } catch (err) {
      throw err instanceof Error && !('code' in err) ? unavailable(`${this.label}: ${this.address} not reachable within ${timeoutMs} ms`, err) : fromServiceError(err);
    }
  }

  assertOpen(): void {
    if (this.closed) throw failedPrecondition(`${this.label} for ${this.address || this.source.description} is closed`);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe();
    this.currentStub?.close();
    this.currentStub = undefined;
  }

  private retarget(): void {
    if (this.closed) return;
    const next = this.source.current();
    if (next === this.currentAddress) return;
    // No member right now: keep calling the last one. A singleton that leaves (the coordinator on SIGTERM)
    // still answers through its drain notice; a dead one fails UNAVAILABLE, which callers retry.
    if (next === undefined && this.currentStub) return;
    const previous = this.currentStub;
    this.currentAddress = next;
    this.currentStub = next === undefined ? undefined : createClient<Stub>(this.service, next, this.limits, undefined, this.security);
    previous?.close();
  }
}
