import { Server, ServerCredentials, status, type ServiceDefinition, type handleUnaryCall } from '@grpc/grpc-js';
import { hostPort } from '@florin/core';
import { decodeLogsRequest, decodeMetricsRequest, decodeTraceRequest } from './otlp-codec.js';
import { OtlpStore } from './otlp-store.js';

/** Every Export* response is an empty message (no partial_success): zero bytes on the wire. */
const EMPTY = Buffer.alloc(0);

function exportService<Req>(service: string, decode: (bytes: Uint8Array) => Req): ServiceDefinition {
  return {
    Export: {
      path: `/opentelemetry.proto.collector.${service}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: () => EMPTY,
      requestDeserialize: (bytes: Buffer) => decode(bytes),
      responseSerialize: () => EMPTY,
      responseDeserialize: () => ({}),
    },
  };
}

/**
 * A small OTLP/gRPC receiver: the collector's TraceService, MetricsService and LogsService
 * Export methods, decoding the real OTLP protobufs, keeping what arrives in an OtlpStore for
 * tests and `florin stats` to query. Loopback by default; close() is idempotent.
 */
export class OtlpReceiver {
  readonly store: OtlpStore;
  private readonly server = new Server({ 'grpc.max_receive_message_length': 64 * 1024 * 1024 });
  private portValue = 0;
  private closing: Promise<void> | undefined;

  constructor(options: { capacity?: number } = {}) {
    this.store = new OtlpStore(options.capacity);
    const unary =
      <Req>(add: (request: Req) => void): handleUnaryCall<Req, object> =>
      (call, callback) => {
        try {
          add(call.request);
          callback(null, {});
        } catch (err) {
          callback({ code: status.INVALID_ARGUMENT, details: `malformed OTLP request: ${err instanceof Error ? err.message : String(err)}` });
        }
      };
    this.server.addService(exportService('trace.v1.TraceService', decodeTraceRequest), {
      Export: unary((r: ReturnType<typeof decodeTraceRequest>) => this.store.addTraces(r)),
    });
    this.server.addService(exportService('metrics.v1.MetricsService', decodeMetricsRequest), {
      Export: unary((r: ReturnType<typeof decodeMetricsRequest>) => this.store.addMetrics(r)),
    });
    this.server.addService(exportService('logs.v1.LogsService', decodeLogsRequest), {
      Export: unary((r: ReturnType<typeof decodeLogsRequest>) => this.store.addLogs(r)),
    });
  }

  /** Binds `host:port` (0 picks a free port); resolves the port. */
  async listen(host = '127.0.0.1', port = 0): Promise<number> {
    this.portValue = await new Promise<number>((resolve, reject) =>
      this.server.bindAsync(hostPort(host, port), ServerCredentials.createInsecure(), (err, bound) => (err ? reject(err) : resolve(bound))),
    );
    return this.portValue;
  }

  get port(): number {
    return this.portValue;
  }

  /** "127.0.0.1:<port>": what OTEL_EXPORTER_OTLP_ENDPOINT / `endpoint` should be. */
  get endpoint(): string {
    return `127.0.0.1:${this.portValue}`;
  }

  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, 1_000);
      timer.unref();
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    return this.closing;
  }
}
