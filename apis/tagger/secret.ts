/**
 * The caller's LLM API key travels to the worker sealed (kernel/secrets.ts), and the tagger service
 * removes the sealed value from its own history records. Only the worker running the job opens it.
 */
import { openSecret, sealSecret } from "../../kernel/secrets";
import { API_KEY_PURPOSE } from "../../plugins/tagging/contract";

/** Seals an API key; the result is safe to store and log (it reveals only its length). */
export function sealApiKey(apiKey: string, secret?: string): string {
  return sealSecret(apiKey, API_KEY_PURPOSE, secret);
}

/** Opens a sealed key; throws when it was sealed under another secret or tampered with. */
export function openApiKey(sealed: string, secret?: string): string {
  return openSecret(sealed, API_KEY_PURPOSE, secret);
}
