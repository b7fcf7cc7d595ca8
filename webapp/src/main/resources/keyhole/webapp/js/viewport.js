/**
 * Keeps the console page inside the part of the screen a phone's on-screen
 * keyboard leaves visible, so the passphrase box and the key bar stay reachable
 * while typing.
 *
 * Two kinds of browsers: those that shrink the page for the keyboard (Chrome and
 * Firefox on Android, asked to by the page's interactive-widget=resizes-content)
 * need no help: the page is 100dvh tall and lays itself out again. Those whose
 * keyboard covers the page (Safari on iOS) shrink only the visual viewport: the
 * page is then pinned to it (html.keyboard-open, --visible-top/--visible-height).
 * In both, a control of the typing panel that has the focus is kept in view.
 */

/** A visual viewport this much shorter than the layout viewport (CSS px) has a keyboard over it. */
const KEYBOARD_MIN_HEIGHT = 120;

/**
 * @param {HTMLElement} panel the typing panel (passphrase box, key bar) whose focused control stays in view
 */
export function followVisualViewport(panel) {
  const vv = window.visualViewport;
  if (!vv) return;
  const root = document.documentElement;
  const update = () => {
    root.style.setProperty("--visible-height", `${Math.round(vv.height)}px`);
    root.style.setProperty("--visible-top", `${Math.round(vv.offsetTop)}px`);
    // Pinch zoom shrinks the visual viewport too, but scales it: that is no keyboard.
    const covered = Math.abs(vv.scale - 1) < 0.01 && window.innerHeight - vv.height > KEYBOARD_MIN_HEIGHT;
    root.classList.toggle("keyboard-open", covered);
    keepFocusInView(panel);
  };
  vv.addEventListener("resize", update);
  vv.addEventListener("scroll", update);
  panel.addEventListener("focusin", () => keepFocusInView(panel));
  update();
}

/** Scrolls the panel's focused control into view (after the layout of this frame), if it is out of it. */
function keepFocusInView(panel) {
  requestAnimationFrame(() => {
    const focused = document.activeElement;
    if (focused && focused !== panel && panel.contains(focused)) {
      focused.scrollIntoView({ block: "nearest", inline: "nearest" });
    }
  });
}
