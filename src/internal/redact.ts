/**
 * The binding's side of redaction (src/core/redact.ts): the `PROVIDE_LOG_SANITIZATION_*` environment variables,
 * read through Effect `Config`. The redactor itself is in the core.
 */
import * as Config from "effect/Config"
import { acceptedKeyList } from "../core/parse.js"
import { parseKeyList, type RedactionOptions } from "../core/redact.js"
import { boolean as booleanVar, optional } from "./config.js"

const keyList = (name: string): Config.Config<ReadonlyArray<string> | undefined> =>
  optional(name, acceptedKeyList, parseKeyList)

/**
 * `PROVIDE_LOG_SANITIZATION_ENABLED` (true/false/1/0/yes/no/on/off, default
 * true: the master switch), `PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED` (the
 * built-in string scan, default true), `PROVIDE_LOG_SANITIZATION_KEYS` (extra
 * keys, comma-separated), `PROVIDE_LOG_SANITIZATION_REMOVE_KEYS` (keys removed
 * from every record).
 *
 * @internal
 */
export const redactionConfig: Config.Config<RedactionOptions> = Config.map(
  Config.all({
    enabled: booleanVar("PROVIDE_LOG_SANITIZATION_ENABLED"),
    builtinPatterns: booleanVar("PROVIDE_LOG_SANITIZATION_PATTERNS_ENABLED"),
    keys: keyList("PROVIDE_LOG_SANITIZATION_KEYS"),
    removeKeys: keyList("PROVIDE_LOG_SANITIZATION_REMOVE_KEYS")
  }),
  ({ builtinPatterns, enabled, keys, removeKeys }): RedactionOptions => ({
    enabled: enabled ?? true,
    ...(builtinPatterns === undefined ? {} : { builtinPatterns }),
    ...(keys === undefined ? {} : { keys }),
    ...(removeKeys === undefined ? {} : { removeKeys })
  })
)
