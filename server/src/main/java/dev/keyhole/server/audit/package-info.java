/**
 * The audit trail: what happened to consoles, accounts and links — who, which console, how, when, with what
 * result — and never what was typed. Events are kept in one table as a hash chain ({@link AuditChain}), written by
 * one thread off the tunnels' and the requests' ({@link AuditLog}), checked and exported by
 * {@code keyhole-server audit}.
 */
package dev.keyhole.server.audit;
