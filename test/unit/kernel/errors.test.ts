import fs from "node:fs";
import path from "node:path";
import { DocmillClientError, DocmillServerError, ERROR_CATALOG, fail, validationError, type ErrorType } from "../../../kernel/errors";

const types = Object.keys(ERROR_CATALOG) as ErrorType[];

describe("error catalog", () => {
  it("gives every type an HTTP status, a title and a message", () => {
    for (const t of types) {
      const e = ERROR_CATALOG[t];
      expect(e.code).toBeGreaterThanOrEqual(400);
      expect(e.code).toBeLessThan(600);
      expect(e.title.length).toBeGreaterThan(0);
      expect(e.message.length).toBeGreaterThan(0);
    }
  });

  it("uses the tag generator seed's exact messages for token problems", () => {
    expect(ERROR_CATALOG.UNAUTHORIZED.message).toBe("Could not validate credentials");
    expect(ERROR_CATALOG.TOKEN_EXPIRED.message).toBe("Token has expired");
    expect(ERROR_CATALOG.ACCOUNT_DISABLED.message).toBe("Your account has been disabled");
  });

  it("throws client errors for 4xx types and server errors for 5xx types", () => {
    expect(() => fail("NOT_FOUND")).toThrow(DocmillClientError);
    expect(() => fail("INTERNAL")).toThrow(DocmillServerError);
    try {
      fail("JOB_STATE_CONFLICT", "Job x is finished");
    } catch (err) {
      const e = err as DocmillClientError;
      expect(e.code).toBe(409);
      expect(e.type).toBe("JOB_STATE_CONFLICT");
      expect(e.message).toBe("Job x is finished");
    }
  });

  it("carries field errors on validation errors", () => {
    const e = validationError([{ field: "email", message: "email is required", kind: "required" }]);
    expect(e.code).toBe(422);
    expect(e.data).toEqual({ fields: [{ field: "email", message: "email is required", kind: "required" }] });
  });

  it("is documented in docs/errors.md, every type of it", () => {
    const doc = fs.readFileSync(path.join(__dirname, "../../../docs/errors.md"), "utf8");
    const missing = types.filter((t) => !doc.includes(`\`${t}\``));
    expect(missing).toEqual([]);
  });
});
