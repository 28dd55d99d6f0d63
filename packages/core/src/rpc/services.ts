/** The full names of the florin.v1 gRPC services: the one table every client and server names them from. */
export const SERVICES = {
  shard: 'florin.v1.ShardService',
  head: 'florin.v1.HeadService',
  job: 'florin.v1.JobService',
  work: 'florin.v1.WorkService',
} as const;

export type ServiceName = (typeof SERVICES)[keyof typeof SERVICES];
