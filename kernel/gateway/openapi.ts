/**
 * The OpenAPI 3.1 document, generated from the route declarations (paths, methods, access) and the
 * fastest-validator schemas of their actions (bodies and query parameters), so it cannot drift from
 * what the gateway enforces. Served at `/openapi.json`, with Swagger UI (swagger-ui-dist, same-origin
 * assets, no inline script) at `/swagger`.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { ServiceBroker } from "moleculer";
import { fail } from "../errors";
import { families, familyById, familyOf } from "./families";
import { API_VERSION } from "./health";
import type { Access, RawHandler, RouteDef, RouteGroup } from "./types";

type Json = Record<string, unknown>;
type FvRule = string | Json | Json[];

/** Converts one fastest-validator rule to JSON Schema. Pure; unknown rule types become `{}` (anything). */
export function ruleToSchema(rule: FvRule): { schema: Json; optional: boolean } {
  if (Array.isArray(rule)) {
    const parts = rule.map(ruleToSchema);
    return { schema: { anyOf: parts.map((p) => p.schema) }, optional: parts.every((p) => p.optional) };
  }
  if (typeof rule === "string") {
    const [type, ...flags] = rule.split("|").map((s) => s.trim());
    return { schema: ruleToSchema({ type }).schema, optional: flags.includes("optional") };
  }
  const r = rule as Json & { type?: string };
  let s: Json;
  switch (r.type) {
    case "string":
      s = { type: "string" };
      if (typeof r.min === "number") s.minLength = r.min;
      if (typeof r.max === "number") s.maxLength = r.max;
      if (typeof r.length === "number") s.minLength = s.maxLength = r.length;
      if (r.pattern instanceof RegExp) s.pattern = r.pattern.source;
      else if (typeof r.pattern === "string") s.pattern = r.pattern;
      if (Array.isArray(r.enum)) s.enum = r.enum;
      break;
    case "number":
      s = { type: r.integer ? "integer" : "number" };
      if (typeof r.min === "number") s.minimum = r.min;
      if (typeof r.max === "number") s.maximum = r.max;
      break;
    case "boolean":
      s = { type: "boolean" };
      break;
    case "email":
      s = { type: "string", format: "email" };
      if (typeof r.max === "number") s.maxLength = r.max;
      break;
    case "url":
      s = { type: "string", format: "uri" };
      break;
    case "uuid":
      s = { type: "string", format: "uuid" };
      break;
    case "date":
      s = { type: "string", format: "date-time" };
      break;
    case "enum":
      s = { enum: Array.isArray(r.values) ? r.values : [] };
      break;
    case "equal":
      s = { const: r.value };
      break;
    case "array":
      s = { type: "array" };
      if (r.items !== undefined) s.items = ruleToSchema(r.items as FvRule).schema;
      if (typeof r.min === "number") s.minItems = r.min;
      if (typeof r.max === "number") s.maxItems = r.max;
      break;
    case "object":
      s = r.props || r.properties ? objectSchema((r.props ?? r.properties) as Record<string, FvRule>) : { type: "object" };
      break;
    default:
      s = {};
  }
  if (r.nullable && typeof s.type === "string") s.type = [s.type, "null"];
  if (typeof r.description === "string") s.description = r.description;
  return { schema: s, optional: r.optional === true || r.default !== undefined };
}

export function objectSchema(params: Record<string, FvRule>): Json {
  const properties: Json = {};
  const required: string[] = [];
  for (const [name, rule] of Object.entries(params)) {
    if (name.startsWith("$$")) continue;
    const c = ruleToSchema(rule);
    properties[name] = c.schema;
    if (!c.optional) required.push(name);
  }
  return required.length ? { type: "object", properties, required } : { type: "object", properties };
}

/** `/users/:id` under `/v1` → `/v1/users/{id}` and its parameter names. */
export function openApiPath(prefix: string, p: string): { path: string; names: string[] } {
  const names: string[] = [];
  const joined = (prefix + (p === "/" && prefix ? "" : p)).replace(/:([A-Za-z0-9_]+)/g, (_, n: string) => {
    names.push(n);
    return `{${n}}`;
  });
  return { path: joined || "/", names };
}

const SECURITY: Record<Access, Json[]> = {
  public: [],
  user: [{ bearerAuth: [] }],
  admin: [{ bearerAuth: [] }],
  apiKey: [{ bearerAuth: [] }, { apiKeyAuth: [] }],
};

/** The error schema of the family that answers this path at run time (the gateway's sendError). */
function errorRef(fullPath: string): Json {
  return { $ref: `#/components/schemas/${familyById(familyOf(fullPath || "/")).openapi.errorSchema}` };
}

function operation(group: RouteGroup, def: RouteDef, names: string[], params: Record<string, FvRule> | undefined): Json {
  const op: Json = {
    operationId: `${def.method.toLowerCase()}${(group.prefix + def.path).replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
    summary: def.summary,
    tags: def.tags ?? [],
    security: SECURITY[def.access],
    "x-access": def.access,
  };
  if (def.description) op.description = def.description;
  const parameters: Json[] = names.map((n) => ({ name: n, in: "path", required: true, schema: { type: "string" } }));
  const rest = Object.fromEntries(Object.entries(params ?? {}).filter(([k]) => !names.includes(k) && !k.startsWith("$$")));
  if (def.method === "GET" || def.method === "DELETE") {
    for (const [name, rule] of Object.entries(rest)) {
      const c = ruleToSchema(rule);
      parameters.push({ name, in: "query", required: !c.optional, schema: c.schema });
    }
  } else if (def.requestBody) {
    op.requestBody = def.requestBody;
  } else if (Object.keys(rest).length) {
    op.requestBody = { required: true, content: { "application/json": { schema: objectSchema(rest) } } };
  }
  if (parameters.length) op.parameters = parameters;
  const full = group.prefix + def.path;
  const family = familyById(familyOf(full || "/"));
  const err = (description: string) => ({ description, content: { "application/json": { schema: errorRef(full) } } });
  const responses: Json = { ...(def.responses ?? { "200": { description: "Success" } }) };
  if (op.requestBody || parameters.some((p) => p.in === "query")) responses[String(family.openapi.validationStatus)] ??= err("Validation failed: the body names each field");
  if (def.access !== "public") {
    responses["401"] ??= err("Missing, invalid or expired credentials");
    responses["403"] ??= err(def.access === "admin" ? "Not an admin, or account disabled" : "Account disabled");
  }
  op.responses = responses;
  return op;
}

/** Looks up an action's fastest-validator schema when the route does not carry one. */
export type ParamsLookup = (action: string) => Record<string, FvRule> | undefined;

export function registryLookup(broker: ServiceBroker): ParamsLookup {
  const list = broker.registry.getActionList({ skipInternal: true, withEndpoints: false }) as Array<{ name: string; action?: { params?: Record<string, FvRule> } }>;
  const byName = new Map(list.map((a) => [a.name, a.action?.params]));
  return (name) => byName.get(name);
}

export function buildOpenApi(groups: RouteGroup[], lookup: ParamsLookup = () => undefined): Json {
  const paths: Record<string, Json> = {};
  for (const g of groups) {
    for (const def of g.routes) {
      const { path: p, names } = openApiPath(g.prefix, def.path);
      const params = (def.params as Record<string, FvRule> | undefined) ?? (def.action ? lookup(def.action) : undefined);
      (paths[p] ??= {})[def.method.toLowerCase()] = operation(g, def, names, params);
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "docmill",
      version: API_VERSION,
      description: `PDF processing behind ${families().length} compatible API families: ${families()
        .map((f) => f.openapi.description)
        .join(" and ")}. Bearer JWT everywhere; \`X-Api-Key\` on the jobs endpoints only.`,
    },
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: "http", scheme: "bearer", bearerFormat: "JWT", description: `Access token from ${families().map((f) => `POST ${f.openapi.loginPath}`).join(" or ")}` },
        apiKeyAuth: { type: "apiKey", in: "header", name: "X-Api-Key", description: "pdft_... key created by an admin (jobs endpoints only)" },
      },
      schemas: {
        ...Object.assign({}, ...families().map((f) => f.openapi.schemas)),
      },
    },
  };
}

// ---- serving ----

const SWAGGER_ASSETS: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
  "swagger-ui-standalone-preset.js": "text/javascript; charset=utf-8",
  "favicon-32x32.png": "image/png",
  "favicon-16x16.png": "image/png",
};

// No inline script: the page's CSP allows scripts from this origin only.
const INIT_JS = `window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: "StandaloneLayout"
  });
});
`;

const HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>docmill API</title>
  <link rel="stylesheet" href="/swagger/swagger-ui.css">
  <link rel="icon" type="image/png" href="/swagger/favicon-32x32.png" sizes="32x32">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/swagger/swagger-ui-bundle.js"></script>
  <script src="/swagger/swagger-ui-standalone-preset.js"></script>
  <script src="/swagger/docmill-init.js"></script>
</body>
</html>
`;

/** Swagger UI sets inline style attributes, so styles (only) allow 'unsafe-inline'. */
export const SWAGGER_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const assetCache = new Map<string, Buffer>();
async function asset(name: string): Promise<Buffer> {
  let b = assetCache.get(name);
  if (!b) {
    const dir = path.dirname(require.resolve("swagger-ui-dist/package.json"));
    b = await readFile(path.join(dir, name));
    assetCache.set(name, b);
  }
  return b;
}

/** `/openapi.json` over every route the gateway serves; the route table is passed in, not imported (no cycle). */
function openApiHandler(groups: () => RouteGroup[]): RawHandler {
  return async (req, res) => {
    const doc = buildOpenApi(groups(), registryLookup(req.$ctx.broker));
    res.statusCode = 200;
    res.setHeader("Content-Type", "application/json; charset=utf-8");
    res.end(JSON.stringify(doc));
  };
}

const serveSwaggerPage: RawHandler = async (_req, res) => {
  res.statusCode = 200;
  res.setHeader("Content-Type", "text/html; charset=utf-8");
  res.setHeader("Content-Security-Policy", SWAGGER_CSP);
  res.end(HTML);
};

const serveSwaggerAsset: RawHandler = async (req, res) => {
  const file = String(req.$params.file ?? "");
  res.setHeader("Cache-Control", "public, max-age=3600");
  if (file === "docmill-init.js") {
    res.setHeader("Content-Type", "text/javascript; charset=utf-8");
    res.end(INIT_JS);
    return;
  }
  // A fixed list: the parameter never reaches the file system unless it is one of these names.
  const type = SWAGGER_ASSETS[file];
  if (!type) fail("ROUTE_NOT_FOUND");
  const body = await asset(file);
  res.statusCode = 200;
  res.setHeader("Content-Type", type);
  res.end(body);
};

export function docsRoutes(groups: () => RouteGroup[]): RouteGroup {
  return {
  prefix: "",
  routes: [
    { method: "GET", path: "/openapi.json", access: "public", handler: openApiHandler(groups), summary: "This OpenAPI document", tags: ["system"] },
    { method: "GET", path: "/swagger", access: "public", handler: serveSwaggerPage, summary: "Swagger UI", tags: ["system"] },
    { method: "GET", path: "/swagger/:file", access: "public", handler: serveSwaggerAsset, summary: "Swagger UI assets", tags: ["system"] },
  ],
  };
}
