/**
 * What a tagger service instance hands the tag generator's functions (core.ts `Deps`): its models, a call
 * (the request's, so it carries the caller's context, or the broker's for sweeps and feeding), URL fetching
 * as configured, the batch window and the batch-end outbox.
 */
import type { ServiceBroker } from "moleculer";
import { callOf } from "../../kernel/call";
import { config } from "../../kernel/config";
import { sendBatchEnd } from "./batch-send";
import type { Call, Deps } from "./core";
import type { TagDocModel, TagJobModel } from "./models";

export interface TaggerInstance {
  Job: TagJobModel;
  Doc: TagDocModel;
  broker: ServiceBroker;
  settings: { batchWindow: number; allowPrivateUrls?: boolean };
}

export function taggerDeps(svc: TaggerInstance, call?: Call): Deps {
  const cfg = config().urlFetch;
  return {
    Job: svc.Job,
    Doc: svc.Doc,
    call: call ?? callOf(svc.broker),
    broadcast: (event, payload) => void svc.broker.broadcast(event, payload),
    urlFetch: { allowPrivate: svc.settings.allowPrivateUrls ?? cfg.allowPrivate, timeoutMs: cfg.timeoutMs, maxBytes: cfg.maxBytes },
    window: svc.settings.batchWindow,
    batchOutbox: { Job: svc.Job, send: (payload) => sendBatchEnd(svc.broker, payload) },
  };
}
