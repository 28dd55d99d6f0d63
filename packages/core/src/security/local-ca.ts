import { webcrypto } from 'node:crypto';

type CryptoKey = webcrypto.CryptoKey;
import { readFileSync } from 'node:fs';
import type * as X509 from '@peculiar/x509';
import type { Role } from './roles.js';

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const SIGNING = { name: 'ECDSA', hash: 'SHA-256' } as const;
const DAY_MS = 86_400_000;

let loaded: Promise<typeof X509> | undefined;

/**
 * @peculiar/x509 needs the reflect-metadata polyfill; it is loaded only when a
 * certificate is minted, so no role process pays for (or is changed by) it.
 */
function x509Module(): Promise<typeof X509> {
  loaded ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return x509;
  })();
  return loaded;
}

/** A certificate and its private key, both PEM. */
export interface IssuedCertificate {
  readonly certPem: string;
  readonly keyPem: string;
}

export interface CertificateRequest {
  /** The common name: who this is (e.g. "head-0", "florin-cli"). */
  commonName: string;
  /** The role a client certificate proves under mTLS (its OU). */
  role?: Role;
  /** DNS names and IP addresses the server answers on; default localhost, 127.0.0.1, ::1. */
  dnsNames?: readonly string[];
  ipAddresses?: readonly string[];
  /** Validity in days; default 30. */
  days?: number;
  /** Start of validity; default now minus a minute (clock skew). */
  notBefore?: Date;
}

/**
 * A certificate authority for a local cluster (and tests): ECDSA P-256, makes
 * server/client certificates for the role processes and the CLI. `florin up`
 * keeps its CA under the data directory; production uses the organisation's CA.
 */
export class LocalCa {
  private constructor(
    private readonly certificate: X509.X509Certificate,
    private readonly privateKey: CryptoKey,
    readonly keyPem: string,
  ) {}

  /** A new CA (self-signed, valid `days`, default 365). */
  static async create(name = 'Florin local CA', days = 365): Promise<LocalCa> {
    const x509 = await x509Module();
    const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']));
    const notBefore = new Date(Date.now() - 60_000);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: serial(),
      name: `CN=${escapeDn(name)}`,
      notBefore,
      notAfter: new Date(notBefore.getTime() + days * DAY_MS),
      signingAlgorithm: SIGNING,
      keys,
      extensions: [
        new x509.BasicConstraintsExtension(true, 0, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      ],
    });
    return new LocalCa(cert, keys.privateKey, await toPkcs8Pem(keys.privateKey));
  }

  /** Loads a CA written by `certPem` / `keyPem` (e.g. from the data directory). */
  static async load(certPem: string, keyPem: string): Promise<LocalCa> {
    const x509 = await x509Module();
    const cert = new x509.X509Certificate(certPem);
    const der = Buffer.from(keyPem.replace(/-----[^-]+-----/g, '').replace(/\s+/g, ''), 'base64');
    const key = await webcrypto.subtle.importKey('pkcs8', der, ALGORITHM, true, ['sign']);
    return new LocalCa(cert, key, keyPem);
  }

  static async loadFiles(certFile: string, keyFile: string): Promise<LocalCa> {
    return LocalCa.load(readFileSync(certFile, 'utf8'), readFileSync(keyFile, 'utf8'));
  }

  get certPem(): string {
    return this.certificate.toString('pem');
  }

  /** A certificate for a server and/or client (serverAuth and clientAuth), signed by this CA. */
  async issue(request: CertificateRequest): Promise<IssuedCertificate> {
    const x509 = await x509Module();
    const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify']));
    const notBefore = request.notBefore ?? new Date(Date.now() - 60_000);
    const subject = `CN=${escapeDn(request.commonName)}${request.role ? `, OU=${request.role}` : ''}`;
    const names = [
      ...(request.dnsNames ?? ['localhost']).map((value) => ({ type: 'dns' as const, value })),
      ...(request.ipAddresses ?? ['127.0.0.1', '::1']).map((value) => ({ type: 'ip' as const, value })),
    ];
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: serial(),
      subject,
      issuer: this.certificate.subject,
      notBefore,
      notAfter: new Date(notBefore.getTime() + (request.days ?? 30) * DAY_MS),
      signingAlgorithm: SIGNING,
      publicKey: keys.publicKey,
      signingKey: this.privateKey,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension(names),
        await x509.AuthorityKeyIdentifierExtension.create(this.certificate),
      ],
    });
    return { certPem: cert.toString('pem'), keyPem: await toPkcs8Pem(keys.privateKey) };
  }
}

async function toPkcs8Pem(key: CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  const body = der.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN PRIVATE KEY-----\n${body}\n-----END PRIVATE KEY-----\n`;
}

function serial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f; // positive
  return Buffer.from(bytes).toString('hex');
}

function escapeDn(value: string): string {
  return value.replace(/([,+"\\<>;=])/g, '\\$1');
}
