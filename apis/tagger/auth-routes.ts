/** The tag generator's identity routes (`/api/auth/*`) over the kernel's one user store. */
import * as A from "./auth";
import type { RouteGroup } from "../../kernel/gateway/types";

const tag = ["tagger-auth"];

export const taggerAuthRoutes: RouteGroup = {
  prefix: "/api",
  routes: [
    { method: "POST", path: "/auth/register", access: "public", action: "auth.register", params: A.registerParams, summary: "Register an account (201, the user)", tags: tag },
    { method: "POST", path: "/auth/login", access: "public", action: "auth.login", params: A.taggerLoginParams, summary: "Log in with email and password: user and tokens", tags: tag },
    // The seed's client refreshes after its access token expired, with the refresh token alone.
    { method: "POST", path: "/auth/refresh", access: "public", action: "auth.refresh", params: A.refreshTokenParams, summary: "Rotate a refresh token: new access and refresh tokens", tags: tag },
    { method: "POST", path: "/auth/logout", access: "public", action: "auth.logout", params: A.refreshTokenParams, summary: "Revoke a refresh token", tags: tag },
    { method: "GET", path: "/auth/me", access: "user", action: "auth.me", summary: "The signed-in user", tags: tag },
  ],
};

