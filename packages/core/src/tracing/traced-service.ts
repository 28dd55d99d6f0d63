import type { sendUnaryData, ServerUnaryCall, ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import { traceServerCall } from './server-call.js';

type UnaryHandler = (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => void;

/**
 * Wraps every unary handler of a service in traceServerCall (one SERVER span and one
 * rpc.server.duration point per call, ending when the handler answers). Streaming handlers are
 * left alone: serveStream traces the server streams it serves.
 */
export function tracedImplementation(definition: ServiceDefinition, implementation: UntypedServiceImplementation): UntypedServiceImplementation {
  const traced: UntypedServiceImplementation = { ...implementation };
  for (const [name, method] of Object.entries(definition)) {
    const handler = implementation[name];
    if (typeof handler !== 'function' || method.requestStream || method.responseStream) continue;
    const unary = handler as UnaryHandler;
    traced[name] = ((call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      void traceServerCall(
        method.path,
        call.metadata,
        () =>
          new Promise<void>((resolve, reject) => {
            unary(call, (err, value, ...rest) => {
              callback(err, value, ...rest);
              if (err) reject(err);
              else resolve();
            });
          }),
      ).catch(() => undefined);
    }) as UntypedServiceImplementation[string];
  }
  return traced;
}
