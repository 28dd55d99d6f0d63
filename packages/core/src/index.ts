export {
  FlorinError,
  type FlorinErrorCode,
  invalidArgument,
  notFound,
  resourceExhausted,
  failedPrecondition,
  unavailable,
  unauthenticated,
  permissionDenied,
  toServiceError,
  wellFormed,
  fromServiceError,
  isServiceError,
  grpcStatusOf,
} from './errors.js';
export {
  type TimeRange,
  range,
  validateRange,
  rangeLength,
  isEmptyRange,
  intersect,
  containsRange,
  normalizeRanges,
  subtractRanges,
  alignOutward,
  formatMs,
  parseTime,
} from './range.js';
export {
  type SeriesFrame,
  frameLength,
  emptyFrame,
  lowerBound,
  sliceFrame,
  sliceRows,
  selectFields,
  concatFrames,
  framesBitEqual,
} from './frame.js';
export { type WireBlock, float64ToBytes, bytesToFloat64, encodeBlock, decodeBlock, rowBytes } from './codec.js';
export { stableHash, seriesKey, shardFor, groupByShard } from './partition.js';
export { HeadRing } from './head-ring.js';
export { validateSymbol, validateDatasetName, validateFieldName, frequencyMs, isArrayValue } from './names.js';
export { type Limits, DEFAULT_LIMITS, resolveLimits } from './limits.js';
export { PROTO_LOADER_OPTIONS, protoRoot, florinProtos, serviceClient, serviceDefinition } from './proto.js';
export { FlorinServer, hostPort, type FlorinServerOptions, type ServerState } from './server.js';
export { channelOptions, createClient, waitForReady } from './channel.js';
export { checkHealth } from './health-check.js';
export { type CancellableCall, callDeadline, callSignal, throwIfAborted } from './deadline.js';
export { drained, untilAborted } from './abort.js';
export { Backoff, type BackoffPolicy, backoffDelayMs, sleep, sleepUnlessAborted, type SleepOptions } from './backoff.js';
export { serveStream, writeOrWait } from './server-stream.js';
export { redactUrl } from './redact-url.js';
export { SerialQueue } from './serial-queue.js';
export { answerField } from './answer-field.js';
export { type DatasetInfo, validateDatasetInfo } from './dataset.js';
export { type ReadQuery, validateReadQuery, type ReadQueryInput, checkPointLimit } from './read-query.js';
export type {
  DatasetInfoMessage,
  ReadRequestMessage,
  WriteResponseMessage,
  ListDatasetsResponseMessage,
  CreateDatasetRequestMessage,
  CreateDatasetResponseMessage,
  ListSymbolsRequestMessage,
  ListSymbolsResponseMessage,
  DescribeShardResponseMessage,
  HeadStatsRequestMessage,
  HeadStatsMessage,
  DescribeHeadResponseMessage,
  JobSpecMessage,
  JobProgressMessage,
  JobMessage,
  SubmitJobRequestMessage,
  SubmitJobResponseMessage,
  GetJobRequestMessage,
  ListJobsRequestMessage,
  ListJobsResponseMessage,
  WatchJobRequestMessage,
  JobEventMessage,
  CancelJobRequestMessage,
  TaskInfoMessage,
  ListTasksRequestMessage,
  ListTasksResponseMessage,
  UnitOutputMessage,
  UnitDefinitionMessage,
  UnitRefMessage,
  RegisterUnitsRequestMessage,
  RegisterUnitsResponseMessage,
  TaskPartMessage,
  TaskMessage,
  LeaseTasksRequestMessage,
  LeaseTasksResponseMessage,
  TaskLeaseMessage,
  HeartbeatRequestMessage,
  ExtendedLeaseMessage,
  LostLeaseMessage,
  HeartbeatResponseMessage,
  TaskOutcomeMessage,
  CompleteTasksRequestMessage,
  OutcomeAckMessage,
  CompleteTasksResponseMessage,
  TaskProgressMessage,
  TaskLogLineMessage,
  TaskLogMessage,
  JobLogsRequestMessage,
  JobLogsResponseMessage,
  SeriesBlockMessage,
  ReadChunkMessage,
  WriteRequestMessage,
  DatasetInfoInput,
  ReadRequestInput,
  WriteResponseInput,
  ListDatasetsResponseInput,
  CreateDatasetRequestInput,
  CreateDatasetResponseInput,
  ListSymbolsRequestInput,
  ListSymbolsResponseInput,
  DescribeShardResponseInput,
  HeadStatsRequestInput,
  HeadStatsInput,
  DescribeHeadResponseInput,
  JobSpecInput,
  JobProgressInput,
  JobInput,
  SubmitJobRequestInput,
  SubmitJobResponseInput,
  GetJobRequestInput,
  ListJobsRequestInput,
  ListJobsResponseInput,
  WatchJobRequestInput,
  JobEventInput,
  CancelJobRequestInput,
  TaskInfoInput,
  ListTasksRequestInput,
  ListTasksResponseInput,
  UnitOutputInput,
  UnitDefinitionInput,
  UnitRefInput,
  RegisterUnitsRequestInput,
  RegisterUnitsResponseInput,
  TaskPartInput,
  TaskInput,
  LeaseTasksRequestInput,
  LeaseTasksResponseInput,
  TaskLeaseInput,
  HeartbeatRequestInput,
  ExtendedLeaseInput,
  LostLeaseInput,
  HeartbeatResponseInput,
  TaskOutcomeInput,
  CompleteTasksRequestInput,
  OutcomeAckInput,
  CompleteTasksResponseInput,
  TaskProgressInput,
  TaskLogLineInput,
  TaskLogInput,
  JobLogsRequestInput,
  JobLogsResponseInput,
  OutgoingSeriesBlock,
  OutgoingReadChunk,
} from './wire.js';
export { GRPC_FRAME_HEADER_BYTES, encodeReadChunk } from './read-chunk-encoder.js';
export { decodeReadChunk } from './read-chunk-decoder.js';
export { ReadChunkCutter, blockOverhead } from './read-chunk-cutter.js';
export { COALESCE_METADATA_KEY, COALESCE_OFF } from './head-metadata.js';
export {
  type ParamSchema,
  type ParamsSchema,
  type ParamsJsonSchema,
  type ParamValue,
  parseJsonObject,
  paramsJsonSchema,
  readParamsJsonSchema,
} from './params/params-schema.js';
export { compileParams, validateParams } from './params/params-validator.js';
export { decodeWriteRequest } from './write-request.js';
export { encodeWriteRequest, type OutgoingWriteRequest } from './write-request-encoder.js';
export {
  type JobState,
  type JobStateName,
  type LeaseLossReason,
  type LeaseLossReasonName,
  type LeaseRef,
  JOB_STATES,
  TERMINAL_JOB_STATES,
  LEASE_LOSS_REASONS,
  isTerminalJob,
  jobStateName,
  jobStateFromName,
  lossReasonName,
  lossReasonOf,
} from './job-model.js';
export { type CallOptions, type UnaryMethod, grpcCallOptions, abortError, cancelOnAbort, unaryCall } from './rpc/call-options.js';
export { ServiceChannel } from './rpc/service-channel.js';
export { type AddressSource, type MemberSource, type RoutedMember, fixedAddress } from './rpc/address-source.js';
export { SERVICES, type ServiceName } from './rpc/services.js';
export { unaryHandler, type UnaryCallContext, type UnaryHandlerOptions } from './rpc/unary-handler.js';
export type { ShardServiceHandlers } from './generated/florin/v1/ShardService.js';
export type { HeadServiceHandlers } from './generated/florin/v1/HeadService.js';
export type { JobServiceHandlers } from './generated/florin/v1/JobService.js';
export type { WorkServiceHandlers } from './generated/florin/v1/WorkService.js';
export {
  DataServiceClient,
  type DataServiceClientOptions,
  type DataServiceStub,
  type SeriesQuery,
  type WriteOptions,
  type WriteOutcome,
  type CreateDatasetOptions,
} from './rpc/data-service-client.js';
export { collectReadStream } from './rpc/read-stream.js';
export { SeriesAssembler } from './rpc/series-assembler.js';
export { fanOut, framesInRequestOrder, groupBy, mergeSymbols } from './rpc/fan-out.js';
export { methodsAnswering, asSerializer, asDeserializer } from './method-codecs.js';
export { ProtoWriter, varintSize } from './proto-bytes.js';
export { metadataGetter, metadataSetter } from './tracing/metadata-carrier.js';
export { TELEMETRY_SCOPE, traceServerCall, grpcStatusCodeOf, splitPath } from './tracing/server-call.js';
export { withTraceContext } from './tracing/client-context.js';
export { FlorinCounter, FlorinHistogram } from './tracing/instruments.js';
export { RPC_DURATION_BOUNDS, RpcDurationTable, type DurationSeries, serverDurations, setServerRootSampleRatio, sampleServerRoot } from './tracing/rpc-durations.js';
export { setSpanAttribute, setSpanAttributes, inChildSpan, traceLogFields, activeTraceparent, traceClientCall, inSpanFromTraceparent } from './tracing/spans.js';
export { createLogger, logLevel, setLogSink, LOG_LEVELS, type Logger, type LoggerOptions } from './logger.js';
export { ROLES, type Role, isRole, type CallerIdentity } from './security/roles.js';
export { ACCESS_POLICY, DATASET_WRITES, GRANTED_WRITES, isOpenMethod, rolesFor } from './security/access-policy.js';
export { CertificateSource, type CertificateSourceOptions, type PemSource } from './security/certificate-source.js';
export { type TlsConfig, tlsConfigFromEnv, tlsConfigFromFiles } from './security/tls-config.js';
export { type AuthConfig, type ServerSecurity, type ClientSecurity, DEFAULT_READ_ONLY_DATASETS } from './security/security-options.js';
export { serverCredentials, channelCredentials, certificateSourceOf } from './security/credentials.js';
export { TOKEN_ALGORITHM, type SigningKey, generateSigningKey, parseSigningKey, parseKeySet, KeySetSource } from './security/token-keys.js';
export { TOKEN_ISSUER, TOKEN_AUDIENCE, ROLE_CLAIM, type IssueTokenOptions, issueToken, TokenRejected, TokenVerifier, type TokenVerifierOptions } from './security/tokens.js';
export { authInterceptor, callerOf, AUTHORIZATION_METADATA_KEY, type AuthCounters } from './security/auth-interceptor.js';
export { GRANT_AUDIENCE, GRANT_ISSUER, GRANT_KEY_USE, GRANT_TYPE, KEY_USE_MEMBER, grantPublicJwk, isGrantKey, keysFor } from './security/grant-keys.js';
export { GrantIssuer, type GrantScope, type GrantSigningKey } from './security/grant-issuer.js';
export { GRANT_SECRET_ALGORITHM, MIN_GRANT_SECRET_BYTES, type GrantAlgorithm, type GrantKey, GrantSecrets, generateGrantSecret, grantAlgorithmOf, parseGrantKeys } from './security/grant-secrets.js';
export { MAX_GRANTS_PER_WRITE, type WriteGrant, type WriteScope, GrantRejected, GrantVerifier, type GrantVerifierOptions, checkWriteGrants } from './security/write-grants.js';
export { VerdictCache, type Verdict, type VerdictCacheOptions } from './security/verdict-cache.js';
export { callerLimitInterceptor, withRequestSizes, type CallerLimits, type CallerLimitCounters } from './security/caller-limits.js';
export { LocalCa, type IssuedCertificate, type CertificateRequest } from './security/local-ca.js';
