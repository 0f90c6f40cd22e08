/** fastest-validator schemas of the keys actions (shared with the route declarations for OpenAPI). */
export const createKeyParams = {
  name: { type: "string", min: 1, max: 100, trim: true },
  userId: { type: "string", min: 1, max: 64 },
  expiresAt: { type: "string", min: 10, max: 40 },
} as const;
export const listKeysParams = { userId: { type: "string", min: 1, max: 64, optional: true } } as const;
export const revokeKeyParams = { id: { type: "string", min: 1, max: 64 } } as const;
