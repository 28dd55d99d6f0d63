import type { Command } from 'commander';
import { startTelemetry, TELEMETRY_ON, type Telemetry } from '@florin/telemetry';

export interface TelemetryFlags {
  telemetry?: boolean;
  telemetryEndpoint?: string;
}

/** --telemetry (same as FLORIN_TELEMETRY=otlp) and --telemetry-endpoint (else OTEL_EXPORTER_OTLP_ENDPOINT) on every role command. */
export function addTelemetryOptions(command: Command): Command {
  return command
    .option('--telemetry', `push traces, metrics and logs over OTLP/gRPC (same as FLORIN_TELEMETRY=${TELEMETRY_ON}; standard OTEL_* variables apply)`)
    .option('--telemetry-endpoint <host:port>', 'OTLP/gRPC collector address (default OTEL_EXPORTER_OTLP_ENDPOINT, else localhost:4317)');
}

/** Starts this role process's telemetry (a no-op handle when off): call before the servers are made. */
export function startRoleTelemetry(flags: TelemetryFlags, role: string, instanceId: string): Telemetry {
  return startTelemetry({
    role,
    instanceId,
    ...(flags.telemetry ? { enabled: true } : {}),
    ...(flags.telemetryEndpoint !== undefined ? { endpoint: flags.telemetryEndpoint } : {}),
  });
}
