/**
 * Notices when the first real picture arrives. A console can be connected yet
 * send nothing (an RDP/VRDP server sends no picture of an idle screen to a new
 * viewer until it changes), and the page must say so instead of showing black.
 */

/**
 * Whether an instruction draws an image on a visible layer. Layers >= 0 are
 * visible; negative ones are off-screen buffers (cursor images go there) and do not count.
 *
 * @param {string} opcode the instruction's opcode
 * @param {string[]} args its arguments
 * @returns {boolean} true for an image on a visible layer
 */
export function isPicture(opcode, args) {
  if (opcode === "img") return parseInt(args[2], 10) >= 0;
  if (opcode === "png" || opcode === "jpeg") return parseInt(args[1], 10) >= 0;
  return false;
}

/**
 * Calls onFirstPicture once, at the first picture instruction the tunnel
 * receives. Must be called after the Guacamole.Client is created, since the
 * client installs its own tunnel.oninstruction in its constructor; this wraps it.
 *
 * @param {Guacamole.Tunnel} tunnel the client's tunnel
 * @param {() => void} onFirstPicture called once
 */
export function watchFirstPicture(tunnel, onFirstPicture) {
  const clientHandler = tunnel.oninstruction;
  let seen = false;
  tunnel.oninstruction = (opcode, args) => {
    if (clientHandler) clientHandler(opcode, args);
    if (!seen && isPicture(opcode, args)) {
      seen = true;
      onFirstPicture();
    }
  };
}
