import * as grpc from '@grpc/grpc-js';

/**
 * The server of the grpc-js floor (read-shapes.ts, GrpcFloor) in its own
 * process, as a head node is, so a floor round trip crosses a process
 * boundary as a Florin read does. Forked with an IPC channel:
 *   node bench/dist/lib/grpc-floor-process.js
 * One unary method, /bench.Floor/Get: the request is the answer's size (uint32
 * LE), the answer that many bytes (made once per size). Sends { port } once
 * serving; exits on the message 'close', on SIGINT/SIGTERM, or when the parent
 * goes away (IPC disconnect).
 */
if (!process.send) {
  process.stderr.write('grpc-floor-process must be forked with an IPC channel (see GrpcFloor)\n');
  process.exit(2);
}
const identity = (b: Buffer): Buffer => b;
const answers = new Map<number, Buffer>();
const server = new grpc.Server({ 'grpc.max_send_message_length': 64 * 1024 * 1024 });
server.addService(
  { Get: { path: '/bench.Floor/Get', requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
  {
    Get: (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      const bytes = call.request.length >= 4 ? call.request.readUInt32LE(0) : 0;
      let answer = answers.get(bytes);
      if (!answer) answers.set(bytes, (answer = Buffer.alloc(bytes, 1)));
      callback(null, answer);
    },
  },
);
const port = await new Promise<number>((resolve, reject) => server.bindAsync('127.0.0.1:0', grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
process.send({ port });
const stop = (): void => {
  server.forceShutdown();
  process.exit(0);
};
process.on('message', (message) => {
  if (message === 'close') stop();
});
process.once('disconnect', stop);
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
