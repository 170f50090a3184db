// Who calls, and what they may read and change. With signing in on, a caller is a token's subject:
// it may touch only what it owns (its user and that user's accounts, orders, invoices and lifetime
// value; the todos it created), and an administrator (a claim named in configuration) may touch
// everything. With signing in off (`npm run dev`'s default) anyone may do anything, as in the seeds.
// Plain rules, no HTTP: the commands and queries apply them to the owner they read.
import { ForbiddenError } from './errors.ts';

export type Caller =
  /** open: signing in is off, and anyone may do anything; else a public route's caller, who owns nothing */
  | { signedIn: false; open: boolean }
  | {
      signedIn: true;
      /** the token's `sub` */
      subject: string;
      administrator: boolean;
    };

/** Signing in is off: anyone, who may do anything. */
export const ANYONE: Caller = { signedIn: false, open: true };

/** Signing in is on, and nobody signed in (a public route): may touch nothing of anyone's. */
export const NOBODY: Caller = { signedIn: false, open: false };

/** Whether the caller sees everything: an administrator, or anyone with signing in off. */
export const seesEverything = (caller: Caller): boolean =>
  caller.signedIn ? caller.administrator : caller.open;

/** Whether `caller` may read or change what `ownerSubject` owns (null: nobody). */
const mayAccess = (caller: Caller, ownerSubject: string | null | undefined): boolean =>
  seesEverything(caller) || (caller.signedIn && ownerSubject != null && ownerSubject === caller.subject);

/** 403 unless `caller` may touch what `ownerSubject` owns; `what` names it in the answer. */
export function requireAccess(
  caller: Caller,
  ownerSubject: string | null | undefined,
  what: string,
  field?: string,
): void {
  if (!mayAccess(caller, ownerSubject)) throw new ForbiddenError(`${what} is not yours`, field);
}

/** What a new todo (or anything a caller creates for itself) belongs to: the caller's subject. */
export const ownerOfNew = (caller: Caller): string | null => (caller.signedIn ? caller.subject : null);

/**
 * What a new user is tied to: the subject that registers it. An administrator registers users for
 * others, so theirs are tied to nobody.
 */
export const ownerOfNewUser = (caller: Caller): string | null =>
  caller.signedIn && !caller.administrator ? caller.subject : null;

/** Claims as a token carries them. */
export type Claims = Record<string, unknown>;

/**
 * Whether the claims make an administrator: `claim` holds `value`, as one of an array (Cognito's
 * `cognito:groups`) or of a space-separated list (OAuth's `scope`).
 */
export function isAdministrator(claims: Claims, claim: string, value: string): boolean {
  const held = claims[claim];
  const values = Array.isArray(held) ? held : typeof held === 'string' ? held.split(' ') : [];
  return values.includes(value);
}
