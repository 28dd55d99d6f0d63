import { Metadata, ServerInterceptingCall, status, type ServerInterceptingCallInterface, type ServerInterceptor, type ServerListener } from '@grpc/grpc-js';
import type { PeerCertificate } from 'node:tls';
import { ACCESS_POLICY, DATASET_WRITES, GRANTED_WRITES, isOpenMethod, rolesFor } from './access-policy.js';
import { checkWriteGrants } from './write-grants.js';
import { isRole, type CallerIdentity, type Role } from './roles.js';
import { DEFAULT_READ_ONLY_DATASETS, type AuthConfig } from './security-options.js';
import { TokenRejected } from './tokens.js';
import { wellFormed } from '../errors.js';

/** Identities of calls in progress, keyed by the metadata object grpc-js hands to the handler. */
const callers = new WeakMap<Metadata, CallerIdentity>();

/** The verified caller of a call (from its handler's `call.metadata`); undefined when the server checks no identity. */
export function callerOf(metadata: Metadata): CallerIdentity | undefined {
  return callers.get(metadata);
}

export const AUTHORIZATION_METADATA_KEY = 'authorization';

/** Counts of the interceptor's verdicts (for tests and stats). */
export interface AuthCounters {
  allowed: number;
  unauthenticated: number;
  permissionDenied: number;
}

/**
 * The grpc-js server interceptor that authenticates every call (mTLS client
 * certificate or bearer token, verdicts cached by the TokenVerifier) and
 * authorizes it by the method's roles, answering UNAUTHENTICATED or
 * PERMISSION_DENIED with a message naming what is missing. Health checks stay
 * open. Writes into read-only (input) datasets are refused to all but admin
 * (and head nodes forwarding an already checked write). A write by a qcu must
 * carry write grants covering its dataset and every symbol (a head's forwarded
 * write is checked against the grants it carries). The token is removed from
 * the metadata the handler sees.
 */
export function authInterceptor(config: AuthConfig, counters?: AuthCounters): ServerInterceptor {
  const policy = config.policy ?? ACCESS_POLICY;
  const readOnly = new Set(config.readOnlyDatasets ?? DEFAULT_READ_ONLY_DATASETS);
  const useCertificates = config.certificates ?? true;
  const bearerToken = bearerTokenParser();
  /** What each method needs, worked out on its first call. */
  const plans = new Map<string, MethodPlan>();
  const planOf = (path: string): MethodPlan => {
    let plan = plans.get(path);
    if (!plan) {
      const checksDataset = DATASET_WRITES.has(path) && readOnly.size > 0;
      const checksGrants = GRANTED_WRITES.has(path);
      plan = {
        open: isOpenMethod(path),
        allowed: rolesFor(path, policy),
        checksDataset,
        checksGrants,
        creates: path.endsWith('/CreateDataset'),
        missingIdentity: `${path} needs an identity: send a bearer token (authorization: Bearer <jwt>; florin --token-file or FLORIN_TOKEN)${useCertificates ? ' or a client certificate naming a role' : ''}`,
      };
      plans.set(path, plan);
    }
    return plan;
  };
  /** The refusal of `message` from `who`, if any (sync when every verdict is cached). */
  const messageRefusal = (plan: MethodPlan, who: CallerIdentity, message: unknown): string | undefined | Promise<string | undefined> => {
    if (who.role === 'admin') return undefined;
    if (plan.checksDataset && who.role !== 'head') {
      const dataset = datasetOf(message);
      if (dataset !== undefined && readOnly.has(dataset)) {
        return `dataset ${dataset} is read-only input data; only the admin role may write or create it (${who.subject} has the role ${who.role})`;
      }
    }
    if (!plan.checksGrants) return undefined;
    const write = message as { grants?: unknown; blocks?: unknown };
    const grants = Array.isArray(write.grants) ? (write.grants as unknown[]).filter((g): g is string => typeof g === 'string') : [];
    const dataset = datasetOf(message) ?? '';
    // A head forwards the grants of the write it received (checked there); without any it writes on behalf of admin or itself.
    if (who.role === 'head' && grants.length === 0) return undefined;
    if (grants.length === 0) {
      return plan.creates
        ? `creating dataset ${dataset} needs a write grant: the role ${who.role} creates only the output of the tasks it leased (send the grant of each lease in CreateDatasetRequest.grants; only admin creates other datasets); ${who.subject} sent none`
        : `writing dataset ${dataset} needs a write grant: the role ${who.role} writes only the output of the tasks it leased (send the grant of each lease in WriteRequest.grants); ${who.subject} sent none`;
    }
    if (!config.grants) return `this server verifies no write grants (it has no grant key: --grant-key or FLORIN_GRANT_KEY_JSON, or a JWKS key marked florin_use "grant"); ${who.subject} may not ${plan.creates ? 'create' : 'write'} ${dataset}`;
    const blocks = Array.isArray(write.blocks) ? (write.blocks as { symbol?: unknown }[]) : [];
    const symbols = new Set(blocks.map((b) => (typeof b?.symbol === 'string' ? b.symbol : '')));
    return checkWriteGrants(config.grants, who.role === 'head' ? undefined : who.subject, { dataset, symbols, grants });
  };
  return (methodDescriptor, call) => {
    const path = methodDescriptor.path;
    const plan = planOf(path);
    if (plan.open) return new ServerInterceptingCall(call);
    // Only writes look at the request message; every other method passes its messages on untouched
    // (grpc-js holds a message until the metadata is passed on, and drops it when the call is refused).
    const checksMessages = plan.checksDataset || plan.checksGrants;
    let identity: CallerIdentity | undefined;
    /** Resolves once the caller is admitted (a message can arrive while its token is still being verified). */
    let waiting: ((who: CallerIdentity) => void)[] | undefined;
    let refused = false;
    const refuse = (code: status, details: string): void => {
      if (refused) return;
      refused = true;
      if (counters) {
        if (code === status.UNAUTHENTICATED) counters.unauthenticated++;
        else counters.permissionDenied++;
      }
      call.sendStatus({ code, details: wellFormed(details), metadata: new Metadata() });
    };
    const listener: ServerListener = {
      onReceiveMetadata: (metadata, passOn) => {
        const admit = (who: CallerIdentity): void => {
          if (!plan.allowed.includes(who.role)) {
            refuse(status.PERMISSION_DENIED, `${path} needs the role ${plan.allowed.join(' or ')}; ${who.subject} has the role ${who.role}`);
            return;
          }
          identity = who;
          callers.set(metadata, who);
          if (counters) counters.allowed++;
          passOn(metadata);
          if (waiting) for (const judge of waiting.splice(0)) judge(who);
        };
        const fromCertificate = useCertificates ? certificateIdentity(call) : undefined;
        const header = metadata.get(AUTHORIZATION_METADATA_KEY)[0];
        metadata.remove(AUTHORIZATION_METADATA_KEY);
        if (fromCertificate) {
          admit(fromCertificate);
          return;
        }
        const token = typeof header === 'string' ? bearerToken(header) : undefined;
        if (header !== undefined && token === undefined) {
          refuse(status.UNAUTHENTICATED, 'the authorization metadata must be "Bearer <token>"');
          return;
        }
        if (token === undefined || !config.tokens) {
          refuse(status.UNAUTHENTICATED, plan.missingIdentity);
          return;
        }
        const verifier = config.tokens;
        const hit = verifier.cached(token);
        if (hit) {
          if (hit.ok) admit(hit.value);
          else refuse(status.UNAUTHENTICATED, hit.reason);
          return;
        }
        verifier.verify(token).then(admit, (err: unknown) => refuse(status.UNAUTHENTICATED, err instanceof TokenRejected ? err.message : 'the token could not be verified'));
      },
    };
    if (checksMessages) {
      listener.onReceiveMessage = (message: unknown, passOn) => {
        if (refused) return;
        const judge = (who: CallerIdentity): void => {
          const verdict = messageRefusal(plan, who, message);
          const settle = (refusal: string | undefined): void => {
            if (refusal !== undefined) refuse(status.PERMISSION_DENIED, refusal);
            else if (!refused) passOn(message);
          };
          if (verdict instanceof Promise) verdict.then(settle, () => refuse(status.PERMISSION_DENIED, 'the write grants could not be checked'));
          else settle(verdict);
        };
        if (identity) judge(identity);
        else (waiting ??= []).push(judge);
      };
    }
    return new ServerInterceptingCall(call, { start: (next) => next(listener) });
  };
}

/** What the interceptor checks for one method. */
interface MethodPlan {
  readonly open: boolean;
  readonly allowed: readonly Role[];
  readonly checksDataset: boolean;
  readonly checksGrants: boolean;
  /** CreateDataset (a grant names the dataset it may create) rather than Write. */
  readonly creates: boolean;
  /** The refusal of a call without identity. */
  readonly missingIdentity: string;
}

/** The token of an authorization header; the last header parsed is remembered (a caller sends the same one on every call). */
function bearerTokenParser(): (header: string) => string | undefined {
  let last: { header: string; token: string | undefined } | undefined;
  return (header) => {
    if (last?.header !== header) last = { header, token: /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1] };
    return last.token;
  };
}

/** The identity a verified client certificate carries: CN = subject, OU = role. */
function certificateIdentity(call: ServerInterceptingCallInterface): CallerIdentity | undefined {
  const peer: PeerCertificate | undefined = call.getAuthContext().sslPeerCertificate;
  if (!peer?.subject) return undefined;
  const ou: unknown = peer.subject.OU;
  const role = Array.isArray(ou) ? ou.find(isRole) : ou;
  const cn: unknown = peer.subject.CN;
  if (!isRole(role) || typeof cn !== 'string') return undefined;
  return { subject: cn, role, via: 'certificate', expiresAt: Date.parse(peer.valid_to) };
}

function datasetOf(message: unknown): string | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const dataset = (message as { dataset?: unknown }).dataset;
  if (typeof dataset === 'string') return dataset;
  if (typeof dataset === 'object' && dataset !== null) {
    const name = (dataset as { name?: unknown }).name;
    return typeof name === 'string' ? name : undefined;
  }
  return undefined;
}
