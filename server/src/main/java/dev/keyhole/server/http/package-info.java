/**
 * The HTTP edge: the JSON API, the web app's static files and the tunnel's WebSocket endpoint, on Jetty 12.
 *
 * <p>Everything here is thin: it turns HTTP and WebSocket events into calls on the services and their answers and
 * errors back into HTTP and WebSocket terms. It holds no state of its own beyond one tunnel per WebSocket.
 */
package dev.keyhole.server.http;
