/**
 * The API family registry. An API family (apis/<name>/family.ts) is a public API docmill serves for
 * clients of a product it replaces: its paths, routes and WebSocket routes, the error body its clients
 * parse, the lifetime of the tokens it issues, its part of the OpenAPI document. The kernel knows no
 * family by name: it asks this registry, which the entry points fill (apis/index.ts
 * `registerApiFamilies()`) before the gateway or the auth service starts. Like Moleculer's registries it
 * fails loudly: an unknown id, a duplicate id, or no default family is an error naming the fix.
 */
import type { Env } from "../../sdk/env";
import type { ErrorCodes } from "../../sdk/error-codes";
import { registerErrorCodes, type FieldError, type ErrorType } from "../errors";
import type { WsRoute } from "./ws";
import type { RouteGroup } from "./types";

/** An error as the kernel classified it (render-error.ts `classify`), before a family renders it. */
export interface ClassifiedError {
  type: ErrorType;
  status: number;
  /** The message safe to show: for 5xx the family's `serverMessages` entry or the catalog's, for 4xx the error's own. */
  message: string;
  fields?: FieldError[];
  retryAfter?: number;
}

export interface RenderedError {
  status: number;
  body: unknown;
  headers: Record<string, string>;
}

export interface TokenLifetimes {
  accessSeconds: number;
  refreshSeconds: number;
}

export interface ApiFamily {
  /** Stable id: stored in refresh tokens and access-token claims (`fam`), so never renamed. */
  id: string;
  /** The product name clients see (root and health messages of the default family). */
  title: string;
  /** Whether a request path belongs to this family. The default family owns every path no other claims. */
  owns(path: string): boolean;
  /** Answers paths nobody else owns (`/`, unknown routes). Exactly one family is the default. */
  default?: boolean;
  /** HTTP routes of the family (including its identity routes). */
  routes: RouteGroup[];
  wsRoutes?: WsRoute[];
  /** Job error codes the family itself gives its records (batch rows, say); they join the error catalog. */
  errors?: ErrorCodes;
  /**
   * The family's own words for a 5xx type, where its body shows the catalog's message (a 5xx shows no
   * more): the product it replaces said it so, and its clients may match on it. Unlisted types say the
   * catalog's message.
   */
  serverMessages?: Partial<Record<ErrorType, string>>;
  /** The documented error body of the family for an error the kernel classified. */
  renderError(error: ClassifiedError, traceId: string, headers: Record<string, string>): RenderedError;
  /** Lifetimes of the tokens issued to this family's clients, from the environment the config was read from. */
  tokenLifetimes(env: Env): TokenLifetimes;
  /** OpenAPI: the name of the error schema the family's operations answer with, and the schemas it adds. */
  openapi: {
    /** Schema name (in `schemas`) of the error body, e.g. "ApiErrorResponse". */
    errorSchema: string;
    schemas: Record<string, unknown>;
    /** One phrase for the document's description: name, prefix, error shape. */
    description: string;
    /** Where the family's clients get an access token, e.g. "/v1/auth/login". */
    loginPath: string;
    /** Status of a request validation failure (FastAPI 422, ASP.NET 400). */
    validationStatus: number;
  };
}

const registry = new Map<string, ApiFamily>();

/** Registers a family; a second family with the same id, or a second default, is a programming error. */
export function registerFamily(family: ApiFamily): void {
  if (registry.has(family.id)) throw new Error(`API family "${family.id}" is registered twice: register each family once (apis/index.ts)`);
  if (family.default && [...registry.values()].some((f) => f.default)) {
    throw new Error(`API family "${family.id}" is a second default family: exactly one family answers unclaimed paths`);
  }
  const problems = registerErrorCodes(family.id, family.errors);
  if (problems.length) throw new Error(`API family "${family.id}" declares bad error codes: ${problems.join("; ")}`);
  registry.set(family.id, family);
}

/** Every registered family, in registration order. */
export function families(): ApiFamily[] {
  if (!registry.size) throw new Error("No API family is registered: call registerApiFamilies() (apis/index.ts) before starting the gateway or auth");
  return [...registry.values()];
}

/** The family with this id; throws naming the registered ones. */
export function familyById(id: string): ApiFamily {
  const f = registry.get(id);
  if (!f) throw new Error(`Unknown API family "${id}" (registered: ${[...registry.keys()].join(", ") || "none"})`);
  return f;
}

export function isFamilyId(id: unknown): id is string {
  return typeof id === "string" && registry.has(id);
}

export function defaultFamily(): ApiFamily {
  const f = families().find((x) => x.default);
  if (!f) throw new Error("No default API family is registered: mark one family `default: true`");
  return f;
}

/** The id of the family that owns a request URL (query ignored). */
export function familyOf(url: string | undefined): string {
  const path = (url ?? "/").split("?")[0] ?? "/";
  const owner = families().find((f) => !f.default && f.owns(path)) ?? defaultFamily();
  return owner.id;
}

/** For tests that register their own families. */
export function clearFamilies(): void {
  registry.clear();
}
