import { COLLECTOR_OTLP_PORT, discoveryNames, type DeployConfig } from '@florin/deploy-plan';

/**
 * Environment every Florin task gets: how to find peers through Cloud Map (namespace, owner account of a shared
 * namespace), and where to push OTLP. `service.name` is the role; FLORIN_ID/FLORIN_PARTITION are added per task.
 */
export function roleEnvironment(config: DeployConfig, role: string, registersIn?: string): Record<string, string> {
  const namespaceName = config.namespace.name;
  const env: Record<string, string> = {
    FLORIN_DISCOVERY: 'cloudmap',
    FLORIN_CLOUDMAP_NAMESPACE: namespaceName,
    OTEL_EXPORTER_OTLP_ENDPOINT: `http://${discoveryNames.collector}.${namespaceName}:${COLLECTOR_OTLP_PORT}`,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc',
    OTEL_SERVICE_NAME: `florin-${role}`,
    OTEL_RESOURCE_ATTRIBUTES: `service.namespace=${config.name}`,
  };
  // Role processes refuse to serve without TLS unless plaintext is asked for: only a config saying
  // "security": {"plaintext": true} gets it. Otherwise the TLS and token material comes in as ECS secrets
  // (roleSecrets), and the certificate's name is set here (discovery hands out IPs).
  if (config.security.plaintext) env.FLORIN_PLAINTEXT = '1';
  else env.FLORIN_TLS_SERVER_NAME = config.security.serverName;
  if (config.namespace.kind === 'existing' && config.namespace.ownerAccount !== undefined) {
    env.FLORIN_CLOUDMAP_OWNER_ACCOUNT = config.namespace.ownerAccount;
  }
  if (registersIn !== undefined) env.FLORIN_CLOUDMAP_SERVICE = registersIn;
  return env;
}
