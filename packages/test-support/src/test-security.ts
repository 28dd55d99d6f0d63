import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { credentials, makeClientConstructor, Metadata, type Client, type ClientReadableStream } from '@grpc/grpc-js';
import { generateSigningKey, issueToken, LocalCa, serviceDefinition, type ClientSecurity, type IssuedCertificate, type Role, type SigningKey } from '@florin/core';

const HOUR_MS = 3_600_000;

/** Where a secure test cluster's files are: the CA certificate, the servers' certificate and key, the token key set. */
export interface SecurityFiles {
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
  readonly jwks: string;
}

/** Who a token is for: its `sub` and role. */
export interface TokenHolder {
  readonly subject: string;
  readonly role: Role;
}

/**
 * The TLS and token material a secure cluster of real role processes runs on, in a temporary folder: a local
 * CA, one server certificate for `florin-test` (the name the clients check), a token signing key and its
 * key set. Mints tokens and token files, gives the servers' flags and the clients' security options.
 */
export class TestSecurity {
  private closing: Promise<void> | undefined;

  private constructor(
    /** The temporary folder: the files below, token files, and whatever else the test keeps there. */
    readonly dir: string,
    readonly ca: LocalCa,
    readonly server: IssuedCertificate,
    readonly signing: SigningKey,
    readonly files: SecurityFiles,
  ) {}

  /** A new CA, server certificate and signing key, written to a new temporary folder named after `name`. */
  static async create(name: string): Promise<TestSecurity> {
    const dir = await mkdtemp(join(tmpdir(), `florin-${name}-`));
    const ca = await LocalCa.create(`${name} test CA`);
    const server = await ca.issue({ commonName: 'florin-test' });
    const signing = await generateSigningKey();
    const files: SecurityFiles = { ca: join(dir, 'ca.pem'), cert: join(dir, 'server.pem'), key: join(dir, 'server-key.pem'), jwks: join(dir, 'jwks.json') };
    await writeFile(files.ca, ca.certPem);
    await writeFile(files.cert, server.certPem);
    await writeFile(files.key, server.keyPem, { mode: 0o600 });
    await writeFile(files.jwks, JSON.stringify({ keys: [signing.publicJwk] }));
    return new TestSecurity(dir, ca, server, signing, files);
  }

  /** A role process's flags: `--tls-ca --tls-cert --tls-key --jwks` (another certificate and key where given). */
  serverArgs(own: { cert?: string; key?: string } = {}): string[] {
    return ['--tls-ca', this.files.ca, '--tls-cert', own.cert ?? this.files.cert, '--tls-key', own.key ?? this.files.key, '--jwks', this.files.jwks];
  }

  /** A token signed by this cluster's key, valid for an hour. */
  token(holder: TokenHolder): Promise<string> {
    return issueToken(this.signing, { ...holder, ttlMs: HOUR_MS });
  }

  /** A token for each holder, by the same names. */
  async tokens<K extends string>(holders: Record<K, TokenHolder>): Promise<Record<K, string>> {
    const entries = await Promise.all(Object.entries<TokenHolder>(holders).map(async ([name, holder]) => [name, await this.token(holder)] as const));
    return Object.fromEntries(entries) as Record<K, string>;
  }

  /** Writes `token` to `<dir>/<name>.jwt` (mode 0600, as `--token-file` wants) and returns the path. */
  async tokenFile(name: string, token: string): Promise<string> {
    const path = join(this.dir, `${name}.jwt`);
    await writeFile(path, token, { mode: 0o600 });
    return path;
  }

  /** A client's security options: trusts this CA, and sends `token` where given. */
  client(token?: string): ClientSecurity {
    return { tls: { ca: { file: this.files.ca } }, ...(token !== undefined ? { token } : {}) };
  }

  /**
   * A bare grpc-js HeadService Read over TLS with `token`, which the caller never consumes: the head answers
   * into flow control and the call stays in progress (holding its read slot, its caller's streams) until
   * `client.close()`.
   */
  heldRead(token: string, address: string, request: object): { client: Client; stream: ClientReadableStream<unknown> } {
    const Ctor = makeClientConstructor(serviceDefinition('florin.v1.HeadService'), 'HeadService');
    const creds = credentials.combineChannelCredentials(
      credentials.createSsl(Buffer.from(this.ca.certPem)),
      credentials.createFromMetadataGenerator((_p, cb) => {
        const md = new Metadata();
        md.set('authorization', `Bearer ${token}`);
        cb(null, md);
      }),
    );
    const client = new Ctor(address, creds);
    const stream = (client as unknown as { Read: (req: object) => ClientReadableStream<unknown> }).Read(request);
    stream.on('error', () => undefined); // cancelled at the end
    return { client, stream };
  }

  /** Removes the folder. Idempotent. */
  close(): Promise<void> {
    this.closing ??= rm(this.dir, { recursive: true, force: true });
    return this.closing;
  }
}
