/**
 * The orchestrator's identity routes over the kernel's one user store: `/v1/auth/*`, `/v1/users`,
 * `/v1/api-keys`. `/me` is declared before `/:id` because aliases match in declaration order.
 */
import * as A from "./auth";
import { createKeyParams, listKeysParams } from "../../kernel/keys/params";
import { cookieHeaders } from "../../kernel/gateway/routing";
import type { RawHandler, RouteGroup } from "../../kernel/gateway/types";
import { callOf } from "../../kernel/call";

/**
 * `POST /v1/auth/refresh` as a raw handler so the refresh cookie is written on failures too: the
 * gateway's error answer carries no Set-Cookie of its own, and a dead cookie must be cleared
 * (auth.v1Refresh asks for that on every failure). Success answers like an action route would.
 */
const v1Refresh: RawHandler = async (req, res) => {
  const ctx = req.$ctx;
  let data: A.V1Token;
  try {
    // The child context's meta (with $cookies) is merged back into ctx on success and on failure.
    data = await callOf(ctx)<A.V1Token, Record<string, never>>("auth.v1Refresh", {});
  } finally {
    const cookies = cookieHeaders(ctx.meta);
    if (cookies.length) res.setHeader("Set-Cookie", cookies);
  }
  res.statusCode = 200;
  res.setHeader("Content-Type", "application/json; charset=utf-8");
  res.end(JSON.stringify(data));
};

const v1auth = ["auth"];
const users = ["users"];
const keys = ["api-keys"];

export const orchestratorAuthRoutes: RouteGroup = {
  prefix: "/v1",
  routes: [
    { method: "POST", path: "/auth/login", access: "public", action: "auth.v1Login", params: A.v1LoginParams, summary: "Log in with email or user name; sets the refresh cookie (Path=/v1/auth)", tags: v1auth },
    { method: "POST", path: "/auth/refresh", access: "public", handler: v1Refresh, body: "none", summary: "Rotate the refresh cookie: new access token; a failed refresh (401) clears the cookie", tags: v1auth },
    { method: "POST", path: "/auth/logout", access: "user", action: "auth.v1Logout", summary: "Revoke the refresh cookie's token and clear the cookie (204)", tags: v1auth },
    { method: "POST", path: "/auth/reset-password", access: "user", action: "auth.v1ResetPassword", params: A.newPasswordParams, summary: "First log-in: replace the temporary password (needs the password_reset_required claim)", tags: v1auth },
    { method: "POST", path: "/auth/change-password", access: "user", action: "auth.v1ChangePassword", params: A.changePasswordParams, summary: "Change password; revokes every refresh token and returns a new access token", tags: v1auth },

    { method: "GET", path: "/users", access: "admin", action: "auth.usersList", params: A.listUsersParams, summary: "List users (plain array; page, pageSize; X-Total-Count header)", tags: users },
    { method: "GET", path: "/users/me", access: "user", action: "auth.usersMe", summary: "The signed-in user", tags: users },
    { method: "GET", path: "/users/:id", access: "user", action: "auth.usersGet", summary: "One user (admins: anyone; users: themselves)", tags: users },
    { method: "POST", path: "/users", access: "admin", action: "auth.usersCreate", params: A.createUserParams, summary: "Create a user (201, body has userId)", tags: users },
    { method: "PATCH", path: "/users/:id", access: "admin", action: "auth.usersUpdate", params: A.updateUserParams, summary: "Update name, roles, active flag", tags: users },
    { method: "PUT", path: "/users/:id", access: "admin", action: "auth.usersUpdate", params: A.updateUserParams, summary: "Update name, roles, active flag", tags: users },
    { method: "DELETE", path: "/users/:id", access: "admin", action: "auth.usersDelete", summary: "Delete a user (204)", tags: users },
    { method: "POST", path: "/users/:id/deactivate", access: "admin", action: "auth.usersDeactivate", summary: "Disable a user: every route answers 403 from the next request on", tags: users },
    { method: "POST", path: "/users/:id/activate", access: "admin", action: "auth.usersActivate", summary: "Re-enable a user", tags: users },
    { method: "POST", path: "/users/:id/reset-password", access: "admin", action: "auth.usersResetPassword", params: { newPassword: A.adminResetPasswordParams.newPassword }, summary: "Set a temporary password (the user must reset it)", tags: users },
    { method: "PUT", path: "/users/:id/roles", access: "admin", action: "auth.usersSetRoles", params: { roles: A.setRolesParams.roles }, summary: "Replace a user's roles", tags: users },

    { method: "POST", path: "/api-keys", access: "admin", action: "keys.create", params: createKeyParams, summary: "Create an API key for a user; the raw key is returned once", tags: keys },
    { method: "GET", path: "/api-keys", access: "admin", action: "keys.list", params: listKeysParams, summary: "List API keys (never the raw key)", tags: keys },
    { method: "POST", path: "/api-keys/:id/revoke", access: "admin", action: "keys.revoke", summary: "Revoke an API key: refused from the next request on, on every node", tags: keys },
  ],
};
