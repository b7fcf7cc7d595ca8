/**
 * Keyhole's configuration: the YAML file (and the environment variables that may override it) read once at
 * start-up into immutable records.
 *
 * <p>{@link dev.keyhole.server.config.KeyholeSchema} states every key once: name, parser, default, the protocols it
 * applies to, its environment override and its documentation, and how each section becomes a record.
 * {@link dev.keyhole.server.config.ConfigLoader} checks a file against it, the only reader; every problem it finds
 * is reported in one format, {@code FILE:LINE: KEY = VALUE: reason}, through
 * {@link dev.keyhole.server.config.ConfigException}, and secrets are read only once the file is valid.
 * {@link dev.keyhole.server.config.ConfigReference} writes the README's reference from the same schema. Nothing
 * else in Keyhole reads files or the environment for settings; code and tests build configurations with
 * {@link dev.keyhole.server.config.KeyholeConfig#builder()}.
 */
package dev.keyhole.server.config;
