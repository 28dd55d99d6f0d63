// Submit a job from the SDK, watch it, and read what it published.
// With `florin up --units examples/units/ma-gap.mjs` running:   node examples/read-results.mjs
import { readFile } from 'node:fs/promises';
import { connect } from '@florin/client';

const cluster = JSON.parse(await readFile('.florin/cluster.json', 'utf8'));
// `florin up` is secure by default: TLS with its local CA, and a researcher token (file paths in cluster.json).
const s = cluster.security;
const security = s && { tls: { ca: { file: s.ca }, serverName: s.serverName }, token: (await readFile(s.researcherTokenFile, 'utf8')).trim() };
const florin = connect({ heads: cluster.heads.map((h) => h.address), coordinator: cluster.coordinator.address, security });
try {
  const job = await florin.jobs.submit({
    unit: 'ma_gap',
    dataset: 'bars',
    symbols: 'all', // the whole dataset; or a list like ['AAA', 'BBB']
    startMs: Date.parse('2024-01-01'),
    endMs: Date.parse('2025-01-01'),
    taskSize: 50,
    params: { window: 20 },
  });
  for await (const event of job.watch()) {
    const p = event.job.progress;
    console.log(`${event.job.state}: ${p.tasksSucceeded}/${p.tasksTotal} tasks`);
  }
  const frames = await job.results(); // one frame per symbol: timestamps and a Float64Array per field
  const [first] = frames;
  console.log(`${frames.length} symbols; ${first.symbol} has ${first.timestamps.length} rows; last gap ${first.columns[0].at(-1)}`);
} finally {
  florin.close();
}
