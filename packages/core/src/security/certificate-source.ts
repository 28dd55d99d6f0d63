import { readFileSync } from 'node:fs';
import * as cryptoModule from 'node:crypto';
import type { experimental } from '@grpc/grpc-js';

type CertificateProvider = experimental.CertificateProvider;
type CaListener = experimental.CaCertificateUpdateListener;
type IdentityListener = experimental.IdentityCertificateUpdateListener;

/** PEM text given inline, or a file to read (and re-read when it changes). */
export type PemSource = { pem: string | Buffer } | { file: string };

export interface CertificateSourceOptions {
  ca?: PemSource;
  cert?: PemSource;
  key?: PemSource;
  /** How often files are re-read to pick up rotation; default 10 s. */
  refreshIntervalMs?: number;
}

/**
 * A grpc-js CertificateProvider over files or inline PEM: read once at
 * construction (so a missing file fails at startup, naming it), then re-read
 * every refreshIntervalMs while anyone listens; listeners hear about a change
 * only when the bytes changed, and a half-written rotation (unreadable file,
 * cert without its key) keeps the last good pair. Its timer is unref'd and
 * stops with the last listener (or close()), so it never keeps a process alive.
 */
export class CertificateSource implements CertificateProvider {
  private ca: Buffer | undefined;
  private identity: { certificate: Buffer; privateKey: Buffer } | undefined;
  private readonly caListeners = new Set<CaListener>();
  private readonly identityListeners = new Set<IdentityListener>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private reloadsValue = 0;

  constructor(private readonly options: CertificateSourceOptions) {
    if ((options.cert === undefined) !== (options.key === undefined)) throw new Error('a TLS certificate and its private key must be given together');
    if (!options.ca && !options.cert) throw new Error('TLS needs a CA certificate or a certificate and key');
    this.ca = options.ca ? readPem(options.ca, 'CA certificate') : undefined;
    this.identity = options.cert && options.key ? { certificate: readPem(options.cert, 'certificate'), privateKey: readPem(options.key, 'private key') } : undefined;
  }

  get hasIdentity(): boolean {
    return this.identity !== undefined;
  }

  get hasCa(): boolean {
    return this.ca !== undefined;
  }

  /** How many times a changed file was picked up. */
  get reloads(): number {
    return this.reloadsValue;
  }

  addCaCertificateListener(listener: CaListener): void {
    this.caListeners.add(listener);
    this.startWatching();
    const ca = this.ca;
    process.nextTick(() => listener(ca ? { caCertificate: ca } : null));
  }

  removeCaCertificateListener(listener: CaListener): void {
    this.caListeners.delete(listener);
    this.maybeStop();
  }

  addIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.add(listener);
    this.startWatching();
    const identity = this.identity;
    process.nextTick(() => listener(identity ?? null));
  }

  removeIdentityCertificateListener(listener: IdentityListener): void {
    this.identityListeners.delete(listener);
    this.maybeStop();
  }

  /** Re-reads the files now; true when something changed (and listeners were told). */
  refresh(): boolean {
    let changed = false;
    if (this.options.ca && 'file' in this.options.ca) {
      const ca = tryRead(this.options.ca.file);
      if (ca && !(this.ca && ca.equals(this.ca))) {
        this.ca = ca;
        changed = true;
        for (const l of this.caListeners) l({ caCertificate: ca });
      }
    }
    if (this.options.cert && 'file' in this.options.cert && this.options.key && 'file' in this.options.key) {
      const certificate = tryRead(this.options.cert.file);
      const privateKey = tryRead(this.options.key.file);
      if (certificate && privateKey && !(this.identity && certificate.equals(this.identity.certificate) && privateKey.equals(this.identity.privateKey))) {
        if (keyMatchesCertificate(certificate, privateKey)) {
          this.identity = { certificate, privateKey };
          changed = true;
          for (const l of this.identityListeners) l(this.identity);
        }
      }
    }
    if (changed) this.reloadsValue++;
    return changed;
  }

  close(): void {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  private startWatching(): void {
    if (this.timer || this.closed || !this.watchesFiles()) return;
    this.timer = setInterval(() => this.refresh(), this.options.refreshIntervalMs ?? 10_000);
    this.timer.unref();
  }

  private maybeStop(): void {
    if (this.caListeners.size === 0 && this.identityListeners.size === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  private watchesFiles(): boolean {
    const { ca, cert } = this.options;
    return (ca !== undefined && 'file' in ca) || (cert !== undefined && 'file' in cert);
  }
}

function readPem(source: PemSource, what: string): Buffer {
  if ('pem' in source) return Buffer.from(source.pem);
  try {
    return readFileSync(source.file);
  } catch (err) {
    throw new Error(`cannot read the TLS ${what} file ${source.file}: ${(err as NodeJS.ErrnoException).code ?? 'unreadable'}`, { cause: err });
  }
}

function tryRead(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

/** A rotation writes cert and key one after the other: only a matching pair is taken. */
function keyMatchesCertificate(certificate: Buffer, privateKey: Buffer): boolean {
  try {
    const { X509Certificate, createPrivateKey, createPublicKey } = cryptoModule;
    const certKey = new X509Certificate(certificate).publicKey.export({ type: 'spki', format: 'der' });
    const ownKey = createPublicKey(createPrivateKey(privateKey)).export({ type: 'spki', format: 'der' });
    return Buffer.compare(certKey, ownKey) === 0;
  } catch {
    return false;
  }
}

