/**
 * fastest-validator schemas of the auth and users actions. The service validates with them and the
 * route declarations hand them to the OpenAPI generator, so the document cannot drift from the code.
 */
/**
 * Strict e-mail: RFC 5322 dot-atom local part of printable ASCII and a DNS host name. fastest-validator's
 * own check (`\S+@\S+\.\S+`) let a NUL byte or control characters into a registered address (issue 14),
 * which then travels into logs, tokens and other systems.
 */
export const STRICT_EMAIL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

const email = {
  type: "email",
  max: 254,
  custom: (value: unknown, errors: Array<{ type: string; actual?: unknown }>) => {
    if (typeof value === "string" && !STRICT_EMAIL.test(value)) errors.push({ type: "email", actual: value });
    return value;
  },
} as const;
// Length only here; each family's content rules run in the handler and name the field.
const password = { type: "string", min: 1, max: 1024 } as const;

export const registerParams = {
  email,
  password: { type: "string", min: 8, max: 1024 },
  full_name: { type: "string", max: 200, optional: true, nullable: true },
} as const;

export const taggerLoginParams = { email, password } as const;
export const refreshTokenParams = { refresh_token: { type: "string", min: 1, max: 512 } } as const;

export const v1LoginParams = {
  login: { type: "string", min: 1, max: 254, trim: true },
  password,
} as const;
export const newPasswordParams = { newPassword: password } as const;
export const changePasswordParams = { currentPassword: password, newPassword: password } as const;

const roles = { type: "array", items: { type: "string", min: 1, max: 32 }, min: 1, max: 8 } as const;
const id = { type: "string", min: 1, max: 64 } as const;

export const listUsersParams = {
  page: { type: "number", integer: true, min: 1, convert: true, optional: true },
  pageSize: { type: "number", integer: true, min: 1, max: 500, convert: true, optional: true },
} as const;
export const createUserParams = {
  email,
  password,
  roles: { ...roles, optional: true },
  userName: { type: "string", min: 2, max: 64, optional: true },
  fullName: { type: "string", max: 200, optional: true, nullable: true },
} as const;
export const idParams = { id } as const;
export const updateUserParams = {
  id,
  fullName: { type: "string", max: 200, optional: true, nullable: true },
  roles: { ...roles, optional: true },
  /** Single-role shorthand. */
  role: { type: "string", min: 1, max: 32, optional: true },
  isActive: { type: "boolean", optional: true },
} as const;
export const setRolesParams = { id, roles } as const;
export const adminResetPasswordParams = { id, newPassword: password } as const;
