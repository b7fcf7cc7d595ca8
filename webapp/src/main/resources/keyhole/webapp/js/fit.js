/**
 * Scales a Guacamole.Display to fit its container. The console keeps its own
 * resolution (the server sets it; VRDP consoles cannot resize), so the browser
 * scales the picture instead of asking the console to change size.
 */

/**
 * Keeps the display scaled to the largest size that fits the container
 * entirely (never clipped), re-fitting when the container or the display resizes.
 *
 * @param {Guacamole.Display} display the client's display
 * @param {HTMLElement} container the element the display is centred in
 * @param {() => number} [zoom] how much larger than "fits" the user zoomed it (1 = fits; see zoom.js)
 * @returns {(() => void) & {refit: () => void}} stops following size changes; refit() fits again now
 */
export function fitDisplayTo(display, container, zoom = () => 1) {
  const fit = () => {
    const width = display.getWidth();
    const height = display.getHeight();
    const available = container.getBoundingClientRect();
    // Before the first "size" instruction the display is 0×0: nothing to fit yet.
    if (!width || !height || !available.width || !available.height) return;
    const scale = Math.min(available.width / width, available.height / height) * zoom();
    if (scale > 0 && Math.abs(scale - display.getScale()) > 1e-4) display.scale(scale);
  };
  display.onresize = fit;
  // ResizeObserver also catches the header wrapping or the phone's URL bar showing and hiding.
  const observer = new ResizeObserver(fit);
  observer.observe(container);
  window.addEventListener("resize", fit);
  fit();
  const stop = () => {
    observer.disconnect();
    window.removeEventListener("resize", fit);
    display.onresize = null;
  };
  stop.refit = fit;
  return stop;
}
