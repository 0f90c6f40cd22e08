/**
 * docker-compose.yml's split stack hosts every service of services/: each docmill container's command
 * names the services it runs (`start --services a,b`, `start` alone runs all, `worker` runs the worker),
 * and a service file that no container runs, or a name that no file has, fails here.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { load } from "js-yaml";
import { availableServices } from "../../kernel/runtime";

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
}
const compose = load(readFileSync(path.resolve(__dirname, "../../docker-compose.yml"), "utf8")) as { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };
const docmill = Object.entries(compose.services).filter(([, s]) => s.image === "docmill:local");

/** The services one container's command runs, as scripts/docmill.ts reads it. */
function hostedBy(command: string[] | undefined, env: Record<string, string> = {}): string[] {
  const [verb = "start", ...rest] = command ?? [];
  if (verb === "worker") return ["worker"];
  if (verb !== "start") return [];
  const flag = rest.indexOf("--services");
  const list = (flag >= 0 ? rest[flag + 1] : env.SERVICES) ?? "";
  const names = list.split(",").map((s) => s.trim()).filter(Boolean);
  return names.length ? names : availableServices();
}

describe("docker-compose.yml", () => {
  it("has docmill containers to check", () => {
    expect(docmill.map(([name]) => name).sort()).toEqual(["core", "gateway", "worker"]);
  });

  it("hosts every service file in some container", () => {
    const hosted = new Set(docmill.flatMap(([, s]) => hostedBy(s.command, s.environment)));
    expect(availableServices().filter((s) => !hosted.has(s))).toEqual([]);
  });

  it("names only services that exist", () => {
    const known = new Set(availableServices());
    for (const [name, s] of docmill) expect({ container: name, unknown: hostedBy(s.command, s.environment).filter((n) => !known.has(n)) }).toEqual({ container: name, unknown: [] });
  });

  it("gives every docmill container the shared data volume for the audit spool", () => {
    expect(compose.volumes).toHaveProperty("docmill-data");
    for (const [, s] of docmill) {
      expect(s.volumes).toContain("docmill-data:/data");
      expect(s.environment?.DOCMILL_DATA_DIR).toBe("/data");
    }
  });
});

describe("hostedBy", () => {
  it.each([
    [["start", "--services", "gateway"], {}, ["gateway"]],
    [["start"], { SERVICES: "auth, jobs" }, ["auth", "jobs"]],
    [["worker"], {}, ["worker"]],
    [["healthcheck"], {}, []],
  ])("%p with %p hosts %p", (command, env, want) => expect(hostedBy(command, env)).toEqual(want));

  it("runs every service for a bare start", () => expect(hostedBy(["start"])).toEqual(availableServices()));
});
