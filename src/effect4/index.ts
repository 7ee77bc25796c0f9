/**
 * effect-foundation/effect4: the same library on effect 4.
 *
 * @since 0.2.0
 */

/** @since 0.2.0 */
export * as CircuitBreaker from "./CircuitBreaker.js"

/** @since 0.2.0 */
export * as Emoji from "./Emoji.js"

/** @since 0.2.0 */
export * as EmojiLogger from "./EmojiLogger.js"

/** @since 0.2.0 */
export * as ErrorHandling from "./ErrorHandling.js"

/** @since 0.2.0 */
export * as Foundation from "./Foundation.js"

/** @since 0.2.0 */
export * as HttpLogging from "./HttpLogging.js"

/** @since 0.2.0 */
export * as Log from "./Log.js"

/** @since 0.2.0 */
export * as LogSink from "./LogSink.js"

/** @since 0.2.0 */
export * as Otlp from "./Otlp.js"

/** @since 0.2.0 */
export * as Retry from "./Retry.js"

/** @since 0.2.0 */
export * as Task from "./Task.js"

/** @since 0.2.0 */
export * as Telemetry from "./Telemetry.js"

/** @since 0.2.0 */
export * as TestLog from "./TestLog.js"

export {
  /**
   * The logging layer with configuration from the environment (see `Foundation.FoundationLive`).
   *
   * @since 0.2.0
   */
  FoundationLive
} from "./Foundation.js"
