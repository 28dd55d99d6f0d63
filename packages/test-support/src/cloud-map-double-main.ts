#!/usr/bin/env node
// Runs the Cloud Map double for `florin up --discovery cloudmap --cloudmap-endpoint URL`:
//   node packages/test-support/dist/cloud-map-double-main.js [--port N] [--host H] [--namespace NAME]...
// Prints one JSON line {"event":"ready","url":...,"namespaces":[...],"account":...} and serves until SIGTERM/SIGINT.
import { parseArgs } from 'node:util';
import { CloudMapDouble } from './cloud-map-double.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    namespace: { type: 'string', multiple: true, default: ['florin.local'] },
    account: { type: 'string', default: '111111111111' },
  },
});
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`--port must be 0-65535, got ${values.port}\n`);
  process.exit(2);
}
const double = await CloudMapDouble.start({ host: values.host, port, namespaces: values.namespace, account: values.account });
process.stdout.write(`${JSON.stringify({ event: 'ready', url: double.url, namespaces: values.namespace, account: double.account })}\n`);
const stop = (): void => void double.close().then(() => process.exit(0));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
