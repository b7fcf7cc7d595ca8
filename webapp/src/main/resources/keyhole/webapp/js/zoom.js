/**
 * Pinch to zoom and two-finger pan of the console display on a touch screen.
 * One finger stays the mouse (Guacamole.Mouse.Touchscreen ignores gestures of
 * two fingers); two fingers zoom around their midpoint and drag the zoomed
 * picture. Back at "fits" the display is centred again.
 */

const MAX_ZOOM = 4;

/**
 * @param {HTMLElement} host the element the display is fitted into (it scrolls when zoomed)
 * @returns {{factor: () => number, onchange: (() => void)|null, reset: () => void}}
 *     factor() is the zoom over "fits" (1 = fits); onchange is called to re-fit the display
 */
export function pinchZoom(host) {
  const zoom = { factor: () => factor, onchange: null, reset };
  let factor = 1;
  let start = null;

  const midpoint = (touches) => {
    const r = host.getBoundingClientRect();
    return {
      x: (touches[0].clientX + touches[1].clientX) / 2 - r.left,
      y: (touches[0].clientY + touches[1].clientY) / 2 - r.top,
    };
  };
  const distance = (touches) =>
    Math.hypot(touches[0].clientX - touches[1].clientX, touches[0].clientY - touches[1].clientY);

  host.addEventListener("touchstart", (e) => {
    if (e.touches.length !== 2) return;
    e.preventDefault();
    start = { factor, distance: distance(e.touches) || 1, mid: midpoint(e.touches),
      left: host.scrollLeft, top: host.scrollTop };
  }, { passive: false });

  host.addEventListener("touchmove", (e) => {
    if (!start || e.touches.length !== 2) return;
    e.preventDefault();
    const next = Math.min(MAX_ZOOM, Math.max(1, start.factor * distance(e.touches) / start.distance));
    const mid = midpoint(e.touches);
    apply(next);
    // Keep the picture point under the fingers' starting midpoint under their midpoint now.
    const ratio = next / start.factor;
    host.scrollLeft = (start.left + start.mid.x) * ratio - mid.x;
    host.scrollTop = (start.top + start.mid.y) * ratio - mid.y;
  }, { passive: false });

  const end = (e) => {
    if (e.touches.length < 2) start = null;
    if (factor < 1.05 && factor !== 1) reset();
  };
  host.addEventListener("touchend", end);
  host.addEventListener("touchcancel", end);

  function apply(next) {
    factor = next;
    host.classList.toggle("zoomed", factor > 1);
    host.dataset.zoom = factor.toFixed(2);
    if (zoom.onchange) zoom.onchange();
  }

  function reset() {
    apply(1);
    host.scrollLeft = 0;
    host.scrollTop = 0;
  }

  return zoom;
}
