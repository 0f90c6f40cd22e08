/**
 * A Moleculer call as docmill's plain functions take it: result and params typed where the call is
 * made (`call<JobView, CreateJobParams>("jobs.create", …)`, the params and result types exported next to
 * the action's validator schema), bound to the context it runs in so meta and tracing follow the
 * request. One definition for every module (it was declared nine times, each bound through a cast).
 */
import type { CallingOptions } from "moleculer";

export type Call = <T = unknown, P = unknown>(action: string, params?: P, opts?: Record<string, unknown>) => Promise<T>;

/**
 * Params built from a client's body before the action's validator has seen them: the keys are the
 * action's, the values not yet checked (the validator refuses what does not fit, with a 4xx).
 */
export type Unchecked<P> = { [K in keyof P]?: unknown };

/** Anything with Moleculer's `call`: a Context (the request's) or the broker (a sweep's own). */
interface Caller {
  call(action: string, params?: unknown, opts?: CallingOptions): Promise<unknown>;
}

/** The caller's `call`, typed. */
export function callOf(caller: Caller): Call {
  const call = (action: string, params?: unknown, opts?: Record<string, unknown>) => caller.call(action, params, opts as CallingOptions | undefined);
  return call as Call;
}
