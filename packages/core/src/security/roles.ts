/** The roles a caller can hold. */
export const ROLES = ['researcher', 'qcu', 'admin', 'head'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who made a call, once the token or the client certificate was verified. */
export interface CallerIdentity {
  /** The token's `sub`, or the client certificate's common name. */
  readonly subject: string;
  readonly role: Role;
  /** How it was proven. */
  readonly via: 'token' | 'certificate';
  /** Epoch ms the identity stops being valid (the token's exp, the certificate's notAfter). */
  readonly expiresAt: number;
}
