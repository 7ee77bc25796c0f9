/**
 * The log fields of any error, Effect-free: its tag (`_tag`, an `Error`'s name, else the JS type), its message, and
 * its own data fields and `context` entries. Both bindings' `ErrorHandling`, `Retry`, `CircuitBreaker`, `Task` and
 * OTLP exporter use them, so the same error gives the same fields on either Effect line.
 */

// ---------------------------------------------------------------------------
// Log fields of an error
// ---------------------------------------------------------------------------

/**
 * Tag of an error for logs and `retryOn` lists: `_tag`, else the `Error` name, else the JS type.
 *
 * @internal
 */
export const errorTag = (error: unknown): string => {
  try {
    if (typeof error === "object" && error !== null) {
      const tag = (error as { _tag?: unknown })._tag
      if (typeof tag === "string") return tag
      if (error instanceof Error) return error.name
      return "object"
    }
    return typeof error
  } catch {
    return "unknown"
  }
}

/**
 * Message of an error for logs: its `message` when non-empty, a string error itself, else its tag.
 *
 * @internal
 */
export const errorMessage = (error: unknown): string => {
  try {
    if (typeof error === "string") return error
    if (typeof error === "object" && error !== null) {
      const message = (error as { message?: unknown }).message
      if (typeof message === "string" && message.length > 0) return message
      return errorTag(error)
    }
    return String(error)
  } catch {
    return "unknown"
  }
}

const skipped = new Set(["_tag", "message", "stack", "name", "cause", "context"])

/**
 * `error_tag`, `error_message`, the error's own data fields and the entries of its `context`. Never throws.
 *
 * @internal
 */
export const errorFields = (error: unknown): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  const put = (key: string, value: unknown) =>
    Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true })
  put("error_tag", errorTag(error))
  put("error_message", errorMessage(error))
  try {
    if (typeof error === "object" && error !== null) {
      for (const key of Object.keys(error)) {
        if (skipped.has(key)) continue
        const value = (error as Record<string, unknown>)[key]
        if (value !== undefined && typeof value !== "function") put(key, value)
      }
      const context = (error as { context?: unknown }).context
      if (typeof context === "object" && context !== null && !Array.isArray(context)) {
        for (const key of Object.keys(context)) put(key, (context as Record<string, unknown>)[key])
      }
    }
  } catch {
    // a throwing getter: keep what was read
  }
  return out
}

// ---------------------------------------------------------------------------
// The FoundationError family's shared parts (each binding's classes extend its own Effect's `Data.Error`)
// ---------------------------------------------------------------------------

/**
 * A `FoundationError`'s fields from its options: `code` defaulting to the class's code, `context` to `{}`, every
 * other option (`cause`, a subclass's own fields) kept.
 *
 * @internal
 */
export const foundationErrorFields = (
  options: {
    readonly message: string
    readonly code?: string | undefined
    readonly context?: Readonly<Record<string, unknown>> | undefined
  },
  defaultCode: string
): {
  readonly message: string
  readonly code: string
  readonly context: Readonly<Record<string, unknown>>
} => {
  const { code, context, message, ...rest } = options
  return { message, code: code ?? defaultCode, context: context ?? {}, ...rest }
}

/**
 * Makes the class's `name` follow `_tag` (as `Data.TaggedError` sets it), also for user subclasses that override
 * `_tag`.
 *
 * @internal
 */
export const nameFollowsTag = (prototype: object): void => {
  Object.defineProperty(prototype, "name", {
    get(this: { readonly _tag: string }) {
      return this._tag
    },
    configurable: true
  })
}
