/**
 * Keyhole's configuration: the YAML file (and the environment variables that may override it) read once at
 * start-up into immutable records.
 *
 * <p>{@link dev.keyhole.server.config.ConfigLoader} is the only reader; every problem it finds is reported in one
 * format, {@code FILE:LINE: KEY = VALUE: reason}, through {@link dev.keyhole.server.config.ConfigException}.
 * Nothing else in Keyhole reads files or the environment for settings.
 */
package dev.keyhole.server.config;
