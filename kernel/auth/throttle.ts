/**
 * Brute-force protection for logins: failure counters per account (the submitted login, whether or not
 * it exists, so the answer reveals nothing) and per client address. Too many failures in a window lock
 * the key for a period that doubles with every lockout, up to a cap. Counters live in the database so
 * every auth node sees the same numbers.
 */
import { recordLockout } from "../../sdk/metrics";
import type { Model } from "mongoose";
import { fail } from "../errors";
import type { LoginAttemptDoc } from "./models";

export interface ThrottleSettings {
  /** Failures per account within the window before a lockout. */
  accountMax: number;
  /** Failures per client address within the window before a lockout. */
  ipMax: number;
  windowSeconds: number;
  baseLockSeconds: number;
  maxLockSeconds: number;
}

export const DEFAULT_THROTTLE: ThrottleSettings = {
  accountMax: 5,
  ipMax: 30,
  windowSeconds: 15 * 60,
  baseLockSeconds: 30,
  maxLockSeconds: 60 * 60,
};

/** Lock duration after the n-th lockout (1-based): base, 2x base, 4x base, ... capped. Pure. */
export function lockSeconds(s: ThrottleSettings, lockouts: number): number {
  return Math.min(s.maxLockSeconds, s.baseLockSeconds * 2 ** Math.max(0, lockouts - 1));
}

export function throttleKeys(login: string, ip: string | undefined): { account: string; ip: string } {
  return { account: `acct:${login.trim().toLowerCase()}`, ip: `ip:${ip ?? "unknown"}` };
}

/** A slot taken before the password is checked; `count` is the key's attempts in the window, this one included. */
export type Reservation = { ok: true; key: string; count: number; lockouts: number } | { ok: false; retryAfter: number };

const notLocked = (now: Date) => ({ $or: [{ lockedUntil: null }, { lockedUntil: { $exists: false } }, { lockedUntil: { $lte: now } }] });

/**
 * Counts an attempt against `key` BEFORE the password is checked, atomically: one conditional
 * findOneAndUpdate takes a slot only while the key is unlocked and under `max` in its window. A parallel
 * burst therefore gets exactly the answers a serial one gets (issue 14: ten parallel guesses all passed
 * the old check-then-record). Refused: the key is locked, or its window's slots are all taken.
 */
export async function reserveAttempt(M: Model<LoginAttemptDoc>, key: string, max: number, s: ThrottleSettings, now: Date): Promise<Reservation> {
  const floor = new Date(now.getTime() - s.windowSeconds * 1000);
  for (let tries = 0; tries < 2; tries++) {
    const live = await M.findOneAndUpdate(
      { _id: key, windowStart: { $gt: floor }, count: { $lt: max }, ...notLocked(now) },
      { $inc: { count: 1 } },
      { returnDocument: "after" },
    ).lean();
    if (live) return { ok: true, key, count: live.count, lockouts: live.lockouts ?? 0 };
    try {
      // No live window (or no counter yet): start one. The filter matches nothing for a key that is
      // locked or full, so the upsert then collides on _id and the attempt is refused.
      const fresh = await M.findOneAndUpdate(
        { _id: key, $and: [notLocked(now), { $or: [{ windowStart: { $lte: floor } }, { windowStart: null }, { windowStart: { $exists: false } }] }] },
        { $set: { count: 1, windowStart: now } },
        { upsert: true, returnDocument: "after" },
      ).lean();
      if (fresh) return { ok: true, key, count: fresh.count, lockouts: fresh.lockouts ?? 0 };
    } catch (err) {
      if ((err as { code?: number }).code !== 11000) throw err;
      // Another attempt created the counter at the same moment: try the live window once more.
      continue;
    }
  }
  const doc = await M.findById(key).lean();
  const lockedFor = doc?.lockedUntil && doc.lockedUntil > now ? doc.lockedUntil.getTime() - now.getTime() : 0;
  const windowLeft = doc?.windowStart ? doc.windowStart.getTime() + s.windowSeconds * 1000 - now.getTime() : 0;
  return { ok: false, retryAfter: Math.max(1, Math.ceil((lockedFor || Math.min(windowLeft, s.baseLockSeconds * 1000)) / 1000)) };
}

/** Gives a slot back (the address's, when the password was right: a good login is not an attack). */
export async function releaseAttempt(M: Model<LoginAttemptDoc>, key: string): Promise<void> {
  await M.updateOne({ _id: key, count: { $gt: 0 } }, { $inc: { count: -1 } });
}

/** After a wrong password: the attempt that used the last slot locks the key (for longer each time). */
export async function lockIfFull(M: Model<LoginAttemptDoc>, r: Reservation, max: number, s: ThrottleSettings, now: Date): Promise<void> {
  if (!r.ok || r.count < max) return;
  const dayAgo = new Date(now.getTime() - 24 * 3600 * 1000);
  // Lockout history older than a day is forgiven.
  const forgiven = await M.findOne({ _id: r.key, lastLockAt: { $lt: dayAgo } }).lean();
  const lockouts = (forgiven ? 0 : r.lockouts) + 1;
  const locked = await M.updateOne(
    { _id: r.key, ...notLocked(now) },
    { $set: { count: 0, windowStart: now, lockedUntil: new Date(now.getTime() + lockSeconds(s, lockouts) * 1000), lastLockAt: now, lockouts } },
  );
  if (locked.modifiedCount === 1) recordLockout(r.key);
}

export function tooManyAttempts(retryAfter: number): never {
  fail("TOO_MANY_REQUESTS", "Too many failed login attempts; try again later", { retryAfter });
}

/** A successful login clears the account's counter (not the address's: one good login must not reset an attack). */
export async function recordSuccess(M: Model<LoginAttemptDoc>, accountKey: string): Promise<void> {
  await M.updateOne({ _id: accountKey }, { $set: { count: 0 } });
}

/** Deletes counters whose window and lock are long over. */
export async function sweepAttempts(M: Model<LoginAttemptDoc>, s: ThrottleSettings, now: Date): Promise<number> {
  const floor = new Date(now.getTime() - Math.max(s.windowSeconds, 24 * 3600) * 1000);
  const res = await M.deleteMany({ windowStart: { $lt: floor }, $or: [{ lockedUntil: null }, { lockedUntil: { $lt: now } }] });
  return res.deletedCount ?? 0;
}
