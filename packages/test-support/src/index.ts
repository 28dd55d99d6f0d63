// Shared test fixtures: real servers on port 0, real stores, real processes. Imported by tests only.
export { CLI, type CliResult, runCli, startCli, exitCode } from './cli.js';
export { MOMENTUM, RANKER, UNITS, type CoordinatorFixture, startCoordinator, DAY, RANGE, symbols, okOutcome } from './coordinator.js';
export { type HeadStub, type HeadReadOptions, type HeadCluster, headRead, headWrite, openHead, openHeadFleet, type HeadFleet, type HeadClusterOptions, startHeadCluster, marketFrame, seed } from './head-cluster.js';
export { TEST_UNITS, type JobClusterOptions, JobCluster } from './job-cluster.js';
export { type DailyBarsOptions, dailyBars, universe, bits } from './market-data.js';
export { type MarketSpec, type ExpectedMomentum, marketUniverse, expectedMomentum, expectPublishedEqualsReference, expectBacktestEqualsReference, expectShardFilesEqualReference } from './momentum-check.js';
export { type LaunchedProcess, type RoleProcess, type UnitEvent, ProcessGroup, exited, unitEvents, freePort } from './process-group.js';
export { type QcuCluster, startQcuCluster } from './qcu-cluster.js';
export { Gate, type RecordedRead, RecordingUpstream } from './recording-upstream.js';
export { prng, syntheticFrame, expectSameSeries, DAY_MS, OHLCV, utc, failure } from './series.js';
export { type ShardCluster, startShardCluster } from './shard-cluster.js';
export { CloudMapDouble, type CloudMapDoubleOptions, type CloudMapFault, type CloudMapRequest } from './cloud-map-double.js';
export { PG_URL_EXAMPLE, postgresUrl } from './postgres.js';
export { until } from './wait.js';
export { type FuzzMethod, type FuzzCall, type FuzzReport, fuzzMethods, fuzzCallArb, fuzzServices, healthOf } from './hostile-input.js';
export { type FuzzRun, runFuzz } from './fuzz-cluster.js';
export type { ReadyLine } from '@florin/cli';
export { OtlpReceiver, OtlpStore, type ReceivedSpan, type ReceivedPoint, type ReceivedLog } from '@florin/telemetry';
