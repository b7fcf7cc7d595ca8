/**
 * Keeps the console page inside the part of the screen a phone's on-screen
 * keyboard leaves visible, so the passphrase box and the key bar stay reachable
 * while typing. Browsers that shrink the page for the keyboard by themselves need nothing.
 */
export function followVisualViewport() {
  const vv = window.visualViewport;
  if (!vv) return;
  const root = document.documentElement;
  const update = () => {
    root.style.setProperty("--visible-height", `${Math.round(vv.height)}px`);
    root.style.setProperty("--visible-top", `${Math.round(vv.offsetTop)}px`);
    root.classList.toggle("keyboard-open", window.innerHeight - vv.height > 120);
  };
  vv.addEventListener("resize", update);
  vv.addEventListener("scroll", update);
  update();
}
