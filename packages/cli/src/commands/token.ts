import { readFile } from 'node:fs/promises';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { generateGrantSecret, generateSigningKey, GRANT_SECRET_ALGORITHM, grantPublicJwk, issueToken, parseGrantKeys, parseKeySet, parseSigningKey, ROLES, TOKEN_ALGORITHM, type Role } from '@florin/core';
import { DEFAULT_DATA_DIR } from '../cluster/cluster-file.js';
import { localSecurityFiles, writeSecret } from '../cluster/local-security.js';

/** "8h", "30m", "7d", "90s" or plain milliseconds. */
export function parseTtl(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new InvalidArgumentError(`--ttl must look like 8h, 30m, 7d, 90s or a number of ms, got "${text}"`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms']!;
  const ms = Number(match[1]) * unit;
  if (!(ms >= 1_000)) throw new InvalidArgumentError(`--ttl must be at least 1s, got "${text}"`);
  return ms;
}

interface KeygenFlags {
  out?: string;
  dataDir: string;
  grant?: boolean;
  grantAlg: typeof GRANT_SECRET_ALGORITHM | typeof TOKEN_ALGORITHM;
}

interface IssueFlags {
  role: Role;
  ttl: number;
  subject?: string;
  key?: string;
  dataDir: string;
  out?: string;
}

/**
 * `florin token keygen`: a new ES256 signing key (private JWK, 0600) and the
 * JWKS servers verify with; an existing JWKS keeps its keys, so tokens signed
 * by the old key stay valid until it is removed (rotation by kid).
 * `florin token keygen --grant`: a new write-grant secret (HS256) put first in
 * grant-key.json, before the secrets already there (the coordinator signs with
 * the first; heads and shards verify with all until the old are removed).
 * `florin token issue`: a token for a person or a process, printed on stdout.
 */
export function tokenCommand(): Command {
  const keygen = new Command('keygen')
    .description('make a new token signing key (ES256) and add its public half to the JWKS servers verify with')
    .option('--out <dir>', 'directory for signing-key.json and jwks.json (default <data-dir>/security)')
    .option('--data-dir <dir>', 'data directory of the local cluster', DEFAULT_DATA_DIR)
    .option('--grant', "make a write-grant key instead (grant-key.json: the coordinator signs the leases' grants with it, heads and shards verify them)")
    .addOption(
      new Option('--grant-alg <alg>', 'with --grant: HS256 (a secret for the coordinator, heads and shards) or ES256 (a key pair: the public half goes into the JWKS, marked florin_use "grant")')
        .choices([GRANT_SECRET_ALGORITHM, TOKEN_ALGORITHM])
        .default(GRANT_SECRET_ALGORITHM),
    )
    .action(async (flags: KeygenFlags) => {
      const dir = flags.out ?? localSecurityFiles(flags.dataDir).dir;
      await mkdir(dir, { recursive: true, mode: 0o700 });
      if (flags.grant && flags.grantAlg === GRANT_SECRET_ALGORITHM) return grantSecretKeygen(join(dir, 'grant-key.json'));
      const key = await generateSigningKey();
      const publicJwk = flags.grant ? grantPublicJwk(key) : key.publicJwk;
      const file = flags.grant ? 'grant-key.json' : 'signing-key.json';
      const jwksPath = join(dir, 'jwks.json');
      let keys = [publicJwk];
      try {
        keys = [...parseKeySet(await readFile(jwksPath, 'utf8'), jwksPath).keys.filter((k) => k.kid !== key.kid), publicJwk];
      } catch {
        // No JWKS yet: it holds only the new key.
      }
      await writeSecret(join(dir, file), JSON.stringify(key.privateJwk, null, 2) + '\n');
      await writeSecret(jwksPath, JSON.stringify({ keys }, null, 2) + '\n');
      process.stdout.write(`new ${flags.grant ? 'grant' : 'signing'} key ${key.kid} in ${join(dir, file)}; ${jwksPath} now holds ${keys.length} key(s): ${keys.map((k) => k.kid).join(', ')}\n`);
    });
  const issue = new Command('issue')
    .description('mint a token (JWT, ES256) for a role; printed on stdout, never logged')
    .addOption(new Option('--role <role>', 'the role it grants').choices([...ROLES]).makeOptionMandatory())
    .option('--ttl <duration>', 'lifetime: 8h, 30m, 7d, ...', parseTtl, 8 * 3_600_000)
    .option('--subject <name>', 'who it names (default: $USER)')
    .option('--key <file>', 'signing key (private JWK) (default <data-dir>/security/signing-key.json)')
    .option('--data-dir <dir>', 'data directory of the local cluster', DEFAULT_DATA_DIR)
    .option('--out <file>', 'write the token to this file (0600) instead of stdout')
    .action(async (flags: IssueFlags) => {
      const keyPath = flags.key ?? localSecurityFiles(flags.dataDir).signingKey;
      let text: string;
      try {
        text = await readFile(keyPath, 'utf8');
      } catch {
        throw new Error(`no signing key at ${keyPath}: run \`florin up\` (which makes one) or \`florin token keygen\`, or pass --key`);
      }
      const key = parseSigningKey(text, keyPath);
      const subject = flags.subject ?? process.env['USER'] ?? flags.role;
      const token = await issueToken(key, { subject, role: flags.role, ttlMs: flags.ttl });
      if (flags.out) {
        await writeSecret(flags.out, token + '\n');
        process.stderr.write(`token for ${subject} (${flags.role}, ${Math.round(flags.ttl / 60_000)} min, key ${key.kid}) written to ${flags.out}\n`);
      } else {
        process.stdout.write(token + '\n');
      }
    });
  return new Command('token').description('make token signing keys and mint tokens').addCommand(keygen).addCommand(issue);
}

/** A new grant secret first in `file`, the HS256 secrets already there after it (a rotation: remove them once the longest lease has ended). */
async function grantSecretKeygen(file: string): Promise<void> {
  const key = generateGrantSecret();
  let kept: unknown[] = [];
  try {
    kept = parseGrantKeys(await readFile(file, 'utf8'), file)
      .filter((k) => k.alg === GRANT_SECRET_ALGORITHM)
      .map((k) => k.privateJwk);
  } catch {
    // No grant key yet (or an ES256 one, which the JWKS holds): the file holds only the new secret.
  }
  const keys = [key.privateJwk, ...kept];
  await writeSecret(file, JSON.stringify(keys.length === 1 ? key.privateJwk : { keys }, null, 2) + '\n');
  process.stdout.write(
    `new grant secret ${key.kid} (HS256) in ${file}, holding ${keys.length} key(s); give the file to the coordinator, every head and every shard (--grant-key, or its contents as FLORIN_GRANT_KEY_JSON), never to QCUs\n`,
  );
}
