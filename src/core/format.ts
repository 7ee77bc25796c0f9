/**
 * A binding's entry to the formatters: {@link makeFormatter} makes the console or the JSON formatter for the
 * options, over the binding's renderer (its runtime's own values and stack layout); each renders one `LogRecord`.
 */
import { ConsoleFormatter } from "./consoleFormat.js"
import * as emoji from "./emoji.js"
import type { FormatOptions } from "./formatter.js"
import { JsonFormatter } from "./jsonFormat.js"
import { makeRedactor } from "./redact.js"
import { defaultLimits, type Renderer } from "./render.js"

/**
 * A console or JSON formatter: `format(record)` renders one record, `fallback(level, millis, message, reason)` is
 * the last resort for one that cannot be rendered.
 *
 * @internal
 */
export type Formatter = ConsoleFormatter | JsonFormatter

/**
 * The formatter for `options.format`, rendering values with `renderer`.
 *
 * @internal
 */
export const makeFormatter = (options: FormatOptions, renderer: Renderer): Formatter =>
  options.format === "json" ? new JsonFormatter(options, renderer) : new ConsoleFormatter(options, renderer)

/**
 * The options of a formatter nobody configured: console, INFO, no timestamps or colours, name and DAS emoji, the
 * default redaction and limits, no trace ids.
 *
 * @internal
 */
export const defaultFormatOptions: FormatOptions = {
  format: "key_value",
  level: "info",
  moduleLevels: [],
  timestamps: false,
  colors: false,
  loggerNameEmoji: true,
  dasEmoji: true,
  serviceName: undefined,
  emoji: emoji.defaults,
  redactor: makeRedactor(),
  limits: defaultLimits,
  traceIds: false
}
