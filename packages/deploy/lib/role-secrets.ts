import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { DeployConfig, SecretsSecurity } from '@florin/deploy-plan';

/** The roles whose tasks get TLS and token material. */
export type SecuredRole = 'shard' | 'coordinator' | 'head' | 'qcu';

/**
 * A Secrets Manager secret injected as an ECS secret whose read grant is only
 * `secretsmanager:GetSecretValue` on this one ARN (what the ECS agent calls),
 * not the DescribeSecret that `ecs.Secret.fromSecretsManager` adds too.
 */
class GetValueSecret extends ecs.Secret {
  readonly hasField = false;
  constructor(readonly arn: string) {
    super();
  }

  grantRead(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['secretsmanager:GetSecretValue'], resourceArns: [this.arn] });
  }
}

/**
 * The ECS secrets of a role's container when the config has a `security`
 * section with secrets: every server gets the CA, its certificate and key and
 * the JWKS that verifies callers and the write-grant key (the coordinator signs
 * grants with it, heads and shards verify them: an HS256 secret shared by the
 * three, never given to QCUs); heads and QCUs their own token (head, qcu); QCUs serve nothing, so they get only the CA and their token. Empty for
 * a plaintext config.
 */
export function roleSecrets(config: DeployConfig, role: SecuredRole): Record<string, ecs.Secret> {
  if (config.security.plaintext) return {};
  const s: SecretsSecurity = config.security;
  const secrets: Record<string, ecs.Secret> = { FLORIN_TLS_CA_PEM: new GetValueSecret(s.caSecretArn) };
  if (role !== 'qcu') {
    secrets.FLORIN_TLS_CERT_PEM = new GetValueSecret(s.serverCertSecretArn);
    secrets.FLORIN_TLS_KEY_PEM = new GetValueSecret(s.serverKeySecretArn);
    secrets.FLORIN_JWKS_JSON = new GetValueSecret(s.jwksSecretArn);
  }
  // The coordinator signs write grants with the grant key; heads and shards verify them with it (an HS256 secret).
  if (role !== 'qcu') secrets.FLORIN_GRANT_KEY_JSON = new GetValueSecret(s.grantKeySecretArn);
  if (role === 'head') secrets.FLORIN_TOKEN = new GetValueSecret(s.headTokenSecretArn);
  if (role === 'qcu') secrets.FLORIN_TOKEN = new GetValueSecret(s.qcuTokenSecretArn);
  return secrets;
}
