/**
 * A local OpenAI-compatible chat-completions server for tests (node:http on port 0). It answers
 * `POST /v1/chat/completions` and `POST /api/v1/chat/completions` (the OpenRouter path), records every
 * request, and is scripted per test: queue one-shot replies with `enqueue(...)`, or set the default
 * `responder`. Without a script it answers with `tags` (or words of the document) as a JSON array of the
 * size the prompt asked for ("exactly N tags").
 */

import http from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: ChatRequest | undefined;
  /** The prompt text (all message contents joined). */
  prompt: string;
}

export interface ChatRequest {
  model: string;
  messages: { role: string; content: string }[];
  [key: string]: unknown;
}

/** What the server does with one request. */
export type Reply =
  | { kind: "tags"; tags?: string[] }
  | { kind: "content"; content: string }
  | { kind: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  | { kind: "raw"; status: number; body: string; contentType?: string }
  | { kind: "delay"; ms: number; then: Reply };

/** Reply builders. */
export const reply = {
  /** A JSON array of the given tags, cut to the number the prompt asked for. */
  tags: (tags?: string[]): Reply => ({ kind: "tags", tags }),
  /** The assistant message content, verbatim. */
  content: (content: string): Reply => ({ kind: "content", content }),
  /** An error status with an OpenAI-style error body. */
  error: (status: number, message: string, headers?: Record<string, string>): Reply => ({
    kind: "status", status, headers, body: { error: { message, type: "invalid_request_error", code: status } },
  }),
  unauthorized: (): Reply => reply.error(401, "Incorrect API key provided"),
  unknownModel: (model = "the model"): Reply => reply.error(404, `The model \`${model}\` does not exist`),
  rateLimited: (retryAfterSeconds?: number): Reply =>
    reply.error(429, "Rate limit reached", retryAfterSeconds === undefined ? undefined : { "retry-after": String(retryAfterSeconds) }),
  serverError: (status = 500): Reply => reply.error(status, "Internal server error"),
  /** A body that is not JSON at all (a proxy's error page). */
  html: (status = 200): Reply => ({ kind: "raw", status, body: "<html><body>Bad gateway</body></html>", contentType: "text/html" }),
  delay: (ms: number, then: Reply = { kind: "tags" }): Reply => ({ kind: "delay", ms, then }),
};

export interface FakeLLMOptions {
  /** Tags answered by default (first N, N from the prompt). */
  tags?: string[];
  /** When set, a request for another model gets a 404 "model does not exist". */
  knownModels?: string[];
}

export class FakeLLM {
  readonly requests: RecordedRequest[] = [];
  /** Default tags for `reply.tags()` without its own list. */
  tags: string[] | undefined;
  knownModels: string[] | undefined;
  /** Answers a request when no one-shot reply is queued. */
  responder: (req: RecordedRequest) => Reply = () => ({ kind: "tags" });

  private readonly queue: Reply[] = [];
  private readonly server: http.Server;
  private port = 0;

  constructor(options: FakeLLMOptions = {}) {
    this.tags = options.tags;
    this.knownModels = options.knownModels;
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((err: unknown) => {
        res.statusCode = 500;
        res.end(JSON.stringify({ error: { message: String(err) } }));
      });
    });
  }

  /** Starts listening on 127.0.0.1 and a free port. */
  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    this.port = (this.server.address() as AddressInfo).port;
    return this;
  }

  async stop(): Promise<void> {
    // Delayed replies keep sockets open; a test that timed out on them must not hold the process.
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** OpenAI-style base URL (`.../v1`). */
  get baseURL(): string {
    return `http://127.0.0.1:${this.port}/v1`;
  }

  /** OpenRouter-style base URL (`.../api/v1`). */
  get openRouterURL(): string {
    return `http://127.0.0.1:${this.port}/api/v1`;
  }

  /** Queue replies for the next requests, in order; then the responder takes over again. */
  enqueue(...replies: Reply[]): this {
    this.queue.push(...replies);
    return this;
  }

  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.responder = () => ({ kind: "tags" });
  }

  /** The tag count a recorded request's prompt asked for. */
  static askedCount(req: RecordedRequest): number | undefined {
    const m = /exactly (\d+) tags/i.exec(req.prompt);
    return m ? Number(m[1]) : undefined;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString("utf8");
    let body: ChatRequest | undefined;
    try {
      body = JSON.parse(text) as ChatRequest;
    } catch {
      body = undefined;
    }
    const path = (req.url ?? "").split("?")[0];
    const recorded: RecordedRequest = {
      method: req.method ?? "",
      path,
      headers: req.headers,
      body,
      prompt: (body?.messages ?? []).map((m) => m.content).join("\n"),
    };
    this.requests.push(recorded);

    if (req.method !== "POST" || (path !== "/v1/chat/completions" && path !== "/api/v1/chat/completions")) {
      return send(res, 404, { error: { message: `No route ${req.method} ${path}` } });
    }
    if (!body || !Array.isArray(body.messages)) {
      return send(res, 400, { error: { message: "Request body must be a chat completion request" } });
    }
    if (this.knownModels && !this.knownModels.includes(body.model)) {
      return this.respond(res, recorded, reply.unknownModel(body.model));
    }
    const next = this.queue.shift() ?? this.responder(recorded);
    return this.respond(res, recorded, next);
  }

  private async respond(res: http.ServerResponse, req: RecordedRequest, r: Reply): Promise<void> {
    switch (r.kind) {
      case "delay":
        await new Promise((resolve) => setTimeout(resolve, r.ms));
        if (res.destroyed) return;
        return this.respond(res, req, r.then);
      case "status":
        return send(res, r.status, r.body ?? {}, r.headers);
      case "raw":
        res.writeHead(r.status, { "content-type": r.contentType ?? "text/plain" });
        res.end(r.body);
        return;
      case "content":
        return send(res, 200, completion(req.body?.model ?? "unknown", r.content));
      case "tags": {
        const n = FakeLLM.askedCount(req) ?? 8;
        const source = r.tags ?? this.tags ?? documentWords(req.prompt);
        return send(res, 200, completion(req.body?.model ?? "unknown", JSON.stringify(source.slice(0, n))));
      }
    }
  }
}

/** Starts a fake provider; remember to `stop()` it. */
export async function startFakeLLM(options: FakeLLMOptions = {}): Promise<FakeLLM> {
  return new FakeLLM(options).start();
}

function send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
}

function completion(model: string, content: string): unknown {
  return {
    id: `chatcmpl-fake-${Math.random().toString(36).slice(2)}`,
    object: "chat.completion",
    created: 1_700_000_000,
    model,
    choices: [{ index: 0, message: { role: "assistant", content }, finish_reason: "stop" }],
    usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
  };
}

/** Distinct longer words of the document part of the prompt: a stand-in model that reads the text. */
function documentWords(prompt: string): string[] {
  const doc = prompt.split('"""')[1] ?? prompt;
  const seen = new Set<string>();
  for (const w of doc.toLowerCase().match(/\p{L}{6,}/gu) ?? []) seen.add(w);
  return [...seen];
}
