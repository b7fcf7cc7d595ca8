/**
 * Who is asking: the {@link dev.keyhole.server.access.Caller} the HTTP front door resolves once for every request
 * and WebSocket, and which every service call carries so that services, not the edge, decide what it may do.
 */
package dev.keyhole.server.access;
