/**
 * The tunnel: Keyhole's hot path between a browser's WebSocket and guacd.
 *
 * <ul>
 *   <li>{@link dev.keyhole.server.tunnel.TunnelService} opens a {@link dev.keyhole.server.tunnel.Tunnel} for a
 *       browser that chose a target by name. Each target has one {@link dev.keyhole.server.tunnel.LiveConsole}:
 *       one guacd connection that Keyhole itself owns, which every viewer <em>joins</em> ({@code select $id}),
 *       because a VirtualBox VRDP server takes one client at a time and guacd ends a shared connection when its
 *       owner leaves.</li>
 *   <li>A {@link dev.keyhole.server.tunnel.GuacdConnection} is made of three parts:
 *       {@link dev.keyhole.server.tunnel.GuacdHandshake} (connect, then guacamole-common's handshake, blocking),
 *       {@link dev.keyhole.server.tunnel.InstructionStream} (what guacd sends) and
 *       {@link dev.keyhole.server.tunnel.WriteQueue} (what Keyhole sends). It ends once, for the first of its
 *       causes ({@link dev.keyhole.server.tunnel.GuacdEnding}), and that cause is what the browser's close reason
 *       and the log say.</li>
 *   <li>guacd → browser: the instruction stream reads bytes on a {@link dev.keyhole.server.tunnel.RelayLoops
 *       relay loop} (no thread per session; a quiet lane for connections that carry little, such as a key's
 *       echo, and streaming lanes for pictures), {@link dev.keyhole.server.tunnel.InstructionBoundaries} finds
 *       where complete instructions end, and those bytes go out as one WebSocket text frame, never decoded. The
 *       next read starts when the frame has been sent, which is the back-pressure.</li>
 *   <li>browser → guacd: {@link dev.keyhole.server.tunnel.InstructionFilter} parses every instruction and lets
 *       through only the opcodes a console session needs; anything else closes that one tunnel with a Guacamole
 *       status and a reason.</li>
 * </ul>
 *
 * <p>Key events pass through here; they are never logged, at any level.
 * This package knows neither Jetty nor the servlet API: the edge hands it a
 * {@link dev.keyhole.server.tunnel.BrowserChannel}.
 */
package dev.keyhole.server.tunnel;
