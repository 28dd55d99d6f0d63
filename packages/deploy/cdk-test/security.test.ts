import { beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, stackNames, type DeployConfig, type SecretsSecurity } from '@florin/deploy-plan';
import { exampleConfig, exampleJson, synthAll, template, type Synth } from './synth.js';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;
interface Container {
  Command: string[];
  Environment: { Name: string; Value: string }[];
  Secrets?: { Name: string; ValueFrom: string }[];
}
interface Statement {
  Action: string | string[];
  Resource: unknown;
}

const resources = (synth: Synth, stack: string, type: string): Resources[string][] =>
  Object.values((template(synth, stack).toJSON() as { Resources: Resources }).Resources).filter((r) => r.Type === type);

/** Each task definition's container of a stack, by role (the command's first word). */
function containers(synth: Synth, stack: string): Map<string, Container> {
  const out = new Map<string, Container>();
  for (const def of resources(synth, stack, 'AWS::ECS::TaskDefinition')) {
    const container = (def.Properties.ContainerDefinitions as Container[])[0]!;
    out.set(container.Command[0]!, container);
  }
  return out;
}

const env = (c: Container): Record<string, string> => Object.fromEntries(c.Environment.map((e) => [e.Name, e.Value]));
const secrets = (c: Container): Record<string, string> => Object.fromEntries((c.Secrets ?? []).map((s) => [s.Name, s.ValueFrom]));

/** Every policy statement of a stack that names secretsmanager actions. */
function secretStatements(synth: Synth, stack: string): Statement[] {
  return resources(synth, stack, 'AWS::IAM::Policy')
    .flatMap((p) => (p.Properties.PolicyDocument as { Statement: Statement[] }).Statement)
    .filter((s) => [s.Action].flat().some((a) => a.startsWith('secretsmanager:')));
}

describe('TLS and token secrets in the task definitions', () => {
  let config: DeployConfig;
  let s: SecretsSecurity;
  let synth: Synth;
  beforeAll(() => {
    config = exampleConfig(2);
    if (config.security.plaintext) throw new Error('config/example.json is expected to configure secrets');
    s = config.security;
    synth = synthAll(config);
  });

  it('injects the CA, certificate, key, JWKS and grant key into every server, each service token into its role, and no plaintext', () => {
    const data = containers(synth, stackNames.data(config));
    const heads = containers(synth, stackNames.heads(config, 0));
    const qcus = containers(synth, stackNames.qcu(config));
    // The grant key (an HS256 secret) signs grants in the coordinator and verifies them in heads and shards; QCUs never get it.
    const server = {
      FLORIN_TLS_CA_PEM: s.caSecretArn,
      FLORIN_TLS_CERT_PEM: s.serverCertSecretArn,
      FLORIN_TLS_KEY_PEM: s.serverKeySecretArn,
      FLORIN_JWKS_JSON: s.jwksSecretArn,
      FLORIN_GRANT_KEY_JSON: s.grantKeySecretArn,
    };
    for (const role of ['shard', 'coordinator']) {
      expect(secrets(data.get(role)!)).toMatchObject(server);
      expect(secrets(data.get(role)!)).not.toHaveProperty('FLORIN_TOKEN');
    }
    expect(secrets(heads.get('head')!)).toEqual({ ...server, FLORIN_TOKEN: s.headTokenSecretArn });
    expect(secrets(qcus.get('qcu')!)).toEqual({ FLORIN_TLS_CA_PEM: s.caSecretArn, FLORIN_TOKEN: s.qcuTokenSecretArn });
    for (const c of [data.get('shard')!, data.get('coordinator')!, heads.get('head')!, qcus.get('qcu')!]) {
      expect(env(c)).not.toHaveProperty('FLORIN_PLAINTEXT');
      expect(env(c).FLORIN_TLS_SERVER_NAME).toBe('florin.internal');
      // No secret value is ever in the template: only ARNs.
      expect(JSON.stringify(c.Environment)).not.toMatch(/BEGIN|secretsmanager/);
    }
  });

  it('lets each execution role only GetSecretValue on exactly the secrets its tasks use', () => {
    const byStack = new Map([
      [stackNames.heads(config, 0), [s.caSecretArn, s.serverCertSecretArn, s.serverKeySecretArn, s.jwksSecretArn, s.grantKeySecretArn, s.headTokenSecretArn]],
      [stackNames.qcu(config), [s.caSecretArn, s.qcuTokenSecretArn]],
    ]);
    for (const [stack, arns] of byStack) {
      const statements = secretStatements(synth, stack);
      expect(statements.map((st) => st.Action)).toEqual(statements.map(() => 'secretsmanager:GetSecretValue'));
      expect(statements.flatMap((st) => [st.Resource].flat()).sort()).toEqual([...arns].sort());
    }
    // The data stack also reads the store's credentials secret (created by the stack): the Florin secrets there are GetSecretValue only too.
    const florinArns = new Set(Object.values(s).filter((v): v is string => typeof v === 'string' && v.startsWith('arn:')));
    const data = secretStatements(synth, stackNames.data(config)).filter((st) => [st.Resource].flat().some((r) => typeof r === 'string' && florinArns.has(r)));
    expect(data.flatMap((st) => [st.Action].flat())).toEqual(data.map(() => 'secretsmanager:GetSecretValue'));
    expect(new Set(data.flatMap((st) => [st.Resource].flat()))).toEqual(new Set([s.caSecretArn, s.serverCertSecretArn, s.serverKeySecretArn, s.jwksSecretArn, s.grantKeySecretArn]));
  });

  it('runs plaintext only when the config says so, and then injects no TLS secrets', () => {
    const json = exampleJson();
    const plain = parseConfig(JSON.stringify({ ...json, security: { plaintext: true } }), 'plain.json', 2);
    const synthPlain = synthAll(plain);
    const heads = containers(synthPlain, stackNames.heads(plain, 0));
    expect(env(heads.get('head')!).FLORIN_PLAINTEXT).toBe('1');
    expect(secrets(heads.get('head')!)).toEqual({});
    expect(secretStatements(synthPlain, stackNames.heads(plain, 0))).toEqual([]);
  });

  it('refuses a config without a security section, or with a malformed ARN, saying what to give', () => {
    const json = exampleJson();
    const { security, ...without } = json;
    expect(security).toBeDefined();
    expect(() => parseConfig(JSON.stringify(without), 'no-security.json')).toThrow(/security: required: the Secrets Manager ARNs of the TLS and token material .* or \{"plaintext": true\}/);
    const bad = { ...json, security: { ...(security as object), jwksSecretArn: 'florin/jwks' } };
    expect(() => parseConfig(JSON.stringify(bad), 'bad.json')).toThrow(/security\.jwksSecretArn: .*a Secrets Manager secret ARN/);
    const both = { ...json, security: { ...(security as object), plaintext: true } };
    expect(() => parseConfig(JSON.stringify(both), 'both.json')).toThrow(/contradicts "plaintext": true/);
  });
});
