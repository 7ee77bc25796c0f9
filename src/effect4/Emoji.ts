/**
 * The emoji tables, for effect 4: level, logger-name and Domain-Action-Status (DAS) tables, and the deterministic
 * name-to-emoji hashing. Effect-free: the package root's module, re-exported.
 *
 * @since 0.2.0
 */
export * from "../Emoji.js"
