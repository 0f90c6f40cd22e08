/**
 * Brute-force protection for logins: failure counters per account (the submitted login, whether or not
 * it exists, so the answer reveals nothing) and per client address. Too many failures in a window lock
 * the key for a period that doubles with every lockout, up to a cap. Counters live in the database so
 * every auth node sees the same numbers.
 */
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

/** Throws TOO_MANY_REQUESTS (with Retry-After) when either key is locked now. */
export async function assertNotLocked(M: Model<LoginAttemptDoc>, keys: string[], now: Date): Promise<void> {
  const locked = await M.find({ _id: { $in: keys }, lockedUntil: { $gt: now } }).lean();
  if (!locked.length) return;
  const until = Math.max(...locked.map((l) => l.lockedUntil!.getTime()));
  fail("TOO_MANY_REQUESTS", "Too many failed login attempts; try again later", { retryAfter: Math.max(1, Math.ceil((until - now.getTime()) / 1000)) });
}

/** Counts one failure against a key; locks it when the window's count reaches `max`. */
export async function recordFailure(M: Model<LoginAttemptDoc>, key: string, max: number, s: ThrottleSettings, now: Date): Promise<void> {
  const windowFloor = new Date(now.getTime() - s.windowSeconds * 1000);
  let doc = await M.findOneAndUpdate({ _id: key, windowStart: { $gt: windowFloor } }, { $inc: { count: 1 } }, { returnDocument: "after" }).lean();
  if (!doc) {
    // No live window: start one. Lockout history older than a day is forgiven.
    const existing = await M.findById(key).lean();
    const forgive = !existing?.lastLockAt || existing.lastLockAt.getTime() < now.getTime() - 24 * 3600 * 1000;
    doc = await M.findOneAndUpdate(
      { _id: key },
      { $set: { count: 1, windowStart: now, ...(forgive ? { lockouts: 0 } : {}) } },
      { upsert: true, returnDocument: "after" },
    ).lean();
  }
  if (doc && doc.count >= max) {
    const lockouts = (doc.lockouts ?? 0) + 1;
    await M.updateOne(
      { _id: key },
      { $set: { count: 0, windowStart: now, lockedUntil: new Date(now.getTime() + lockSeconds(s, lockouts) * 1000), lastLockAt: now, lockouts } },
    );
  }
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
