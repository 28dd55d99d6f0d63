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
    // Role processes refuse to serve without TLS unless plaintext is asked for. These stacks do not inject
    // certificates and token keys yet, so the hops inside the VPC run plaintext, explicitly. For TLS, set
    // FLORIN_TLS_CA_PEM / FLORIN_TLS_CERT_PEM / FLORIN_TLS_KEY_PEM, FLORIN_JWKS_JSON and FLORIN_TOKEN from
    // Secrets Manager (ecs.Secret) instead, and drop this (see docs/security.md).
    FLORIN_PLAINTEXT: '1',
  };
  if (config.namespace.kind === 'existing' && config.namespace.ownerAccount !== undefined) {
    env.FLORIN_CLOUDMAP_OWNER_ACCOUNT = config.namespace.ownerAccount;
  }
  if (registersIn !== undefined) env.FLORIN_CLOUDMAP_SERVICE = registersIn;
  return env;
}
