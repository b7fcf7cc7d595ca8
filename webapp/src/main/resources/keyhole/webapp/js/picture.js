/**
 * Notices when the console's first real picture is on the screen. A console can
 * be connected yet show nothing: an RDP server sends no picture of an idle screen
 * to a new viewer until it changes, a VRDP console may stay black until a key is
 * pressed, and guacd hands a joining viewer its (possibly still empty, black)
 * copy of the screen at once. The page must say it is waiting rather than show
 * a black console that looks broken, so "picture" means something visible has
 * been drawn, not merely that an image instruction arrived.
 */

/** A channel value above this counts as lit (JPEG noise on black stays below). */
const LIT = 40;

/** How long after a frame ends the screen is looked at (images decode asynchronously). */
const SETTLE_MS = 200;

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
 * Whether a canvas shows anything but black or transparency.
 *
 * @param {HTMLCanvasElement} canvas the display's default layer
 * @returns {boolean} true if at least one pixel is lit
 */
export function hasContent(canvas) {
  if (!canvas.width || !canvas.height) return false;
  const pixels = canvas.getContext("2d").getImageData(0, 0, canvas.width, canvas.height).data;
  for (let i = 0; i < pixels.length; i += 4) {
    if (pixels[i + 3] > 0 && (pixels[i] > LIT || pixels[i + 1] > LIT || pixels[i + 2] > LIT)) return true;
  }
  return false;
}

/**
 * Calls onFirstPicture once, when something visible has been drawn on the
 * display. The screen is looked at shortly after a frame that carried an image
 * ends (a "sync"), and once more a second later for images that decode slowly.
 * Must be called after the Guacamole.Client is created, since the client
 * installs its own tunnel.oninstruction in its constructor; this wraps it.
 *
 * @param {Guacamole.Tunnel} tunnel the client's tunnel
 * @param {Guacamole.Display} display the client's display
 * @param {() => void} onFirstPicture called once
 */
export function watchFirstPicture(tunnel, display, onFirstPicture) {
  const clientHandler = tunnel.oninstruction;
  let seen = false;
  let imageSinceLook = false;
  let pending = null;

  const look = () => {
    pending = null;
    if (seen) return;
    if (hasContent(display.getDefaultLayer().getCanvas())) {
      seen = true;
      onFirstPicture();
    }
  };

  tunnel.oninstruction = (opcode, args) => {
    if (clientHandler) clientHandler(opcode, args);
    if (seen) return;
    if (isPicture(opcode, args)) imageSinceLook = true;
    if (opcode === "sync" && imageSinceLook && pending === null) {
      imageSinceLook = false;
      pending = window.setTimeout(() => {
        look();
        if (!seen) pending = window.setTimeout(look, 1000);
      }, SETTLE_MS);
    }
  };
}
