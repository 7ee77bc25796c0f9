/**
 * Redaction of sensitive keys and secret patterns (minimal version; the
 * hardening work replaces the body, keeping these names and types).
 */
import * as Config from "effect/Config"

export interface RedactionOptions {
  readonly enabled?: boolean
  readonly keys?: ReadonlyArray<string>
  readonly removeKeys?: ReadonlyArray<string>
  readonly patterns?: ReadonlyArray<RegExp>
}

export interface Redactor {
  readonly enabled: boolean
  readonly isSensitiveKey: (key: string) => boolean
  readonly maskString: (s: string) => string
}

export const redactedMarker = "[REDACTED]"

const defaultKeys = [
  "password", "passwd", "pwd", "secret", "token", "access_token", "refresh_token", "api_key", "apikey", "x-api-key",
  "authorization", "proxy-authorization", "cookie", "set-cookie", "credentials", "private_key", "client_secret",
  "session", "ssn", "credit_card", "card_number", "cvv"
]

const identity = (s: string) => s

export const makeRedactor = (options: RedactionOptions = {}): Redactor => {
  if (options.enabled === false) return { enabled: false, isSensitiveKey: () => false, maskString: identity }
  const keys = new Set(defaultKeys)
  for (const k of options.removeKeys ?? []) keys.delete(k.toLowerCase())
  for (const k of options.keys ?? []) keys.add(k.toLowerCase())
  return { enabled: true, isSensitiveKey: (key) => keys.has(key.toLowerCase()), maskString: identity }
}

export const redactionConfig: Config.Config<RedactionOptions> = Config.map(
  Config.withDefault(Config.boolean("PROVIDE_LOG_SANITIZATION_ENABLED"), true),
  (enabled): RedactionOptions => ({ enabled })
)
