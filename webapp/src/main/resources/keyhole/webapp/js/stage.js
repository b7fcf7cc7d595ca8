/**
 * The keyboard stage of the console: which layout the console expects now
 * (e.g. GRUB's US prompt, then the initramfs's German one) and one tap to
 * switch it. The stage belongs to the target, not to this page: switching it
 * reconnects the console for everyone watching, and every page shows a notice.
 */
import { fetchTarget, switchKeyboardStage } from "./api.js";
import { element } from "./dom.js";
import { goToSignInOn401 } from "./address.js";

/** How long the "keyboard switched" notice stays up. */
const NOTICE_MS = 20000;

/** @typedef {import("./api.js").KeyboardState} KeyboardState */

export class KeyboardStagePanel {
  /**
   * @param {string} targetName the target of this page
   * @param {{label: HTMLElement, buttons: HTMLElement, notice: HTMLElement}} elements
   *     label shows "stage · layout" (and carries data-stage/data-layout), buttons holds one
   *     button per stage, notice shows that the stage was switched
   */
  constructor(targetName, { label, buttons, notice }) {
    this.targetName = targetName;
    this.label = label;
    this.buttons = buttons;
    this.notice = notice;
    /** @type {KeyboardState|null} */
    this.keyboard = null;
    /** @type {string|null} "rdp" or "vnc" */
    this.protocol = null;
    /** @type {string|null} the Guacamole protocol version guacd speaks, as the server last said; null: unknown */
    this.guacdProtocol = null;
    this.noticeTimer = null;
    /** The stage the last "keyboard switched" notice was about. */
    this.announced = null;
    /** Whether this page's person may switch the stage (a share link's guest only if the link says so). */
    this.maySwitch = true;
    this.onchange = () => {};
  }

  /**
   * The layout keys are planned for now, with the target's protocol and the protocol version of the guacd it
   * goes through (null while the server has not connected to guacd yet); null until known.
   */
  current() {
    if (!this.keyboard || !this.protocol) return null;
    return { stage: this.keyboard.stage, layout: this.keyboard.layout, protocol: this.protocol,
      guacdProtocol: this.guacdProtocol };
  }

  /** Reads the target's keyboard state from the server and shows it. Failures keep what was shown. */
  async refresh() {
    try {
      const target = await fetchTarget(this.targetName);
      if (target) {
        this.protocol = target.protocol;
        this.guacdProtocol = target.guacdProtocol || null;
        const before = this.keyboard && this.keyboard.stage;
        if (target.keyboard) this.show(target.keyboard);
        // Switched while this page was away (or its tunnel closed for another reason first): say so too.
        const now = target.keyboard && target.keyboard.stage;
        if (before && now && before !== now && this.announced !== now) {
          this.announceSwitch(now, target.keyboard.layout);
        }
      }
      return target || null;
    } catch (e) {
      goToSignInOn401(e);
      return null; // the tunnel reports connection problems; this is read again on the next connect
    }
  }

  /** @param {KeyboardState} keyboard */
  show(keyboard) {
    this.keyboard = keyboard;
    this.label.dataset.stage = keyboard.stage;
    this.label.dataset.layout = keyboard.layout;
    this.label.textContent = `${keyboard.stage} · ${keyboard.layout}`;
    this.label.title = `The console expects the ${keyboard.layout} keyboard layout (boot stage "${keyboard.stage}")`;
    const many = keyboard.stages.length > 1 && this.maySwitch;
    this.buttons.hidden = !many;
    this.buttons.replaceChildren(...(many ? keyboard.stages.map((s) => this.stageButton(s)) : []));
    this.onchange(this.current());
  }

  stageButton({ name, layout }) {
    const active = name === this.keyboard.stage;
    const button = element("button", {
      type: "button",
      class: "button stage-button",
      "data-stage": name,
      "aria-pressed": String(active),
      title: active ? `In effect: ${name} (${layout})` : `Switch the keyboard to ${name} (${layout}) for everyone`,
      text: name,
    });
    button.disabled = active;
    button.addEventListener("click", () => this.switchTo(name));
    return button;
  }

  /** Asks the server to switch the target's stage; the console then reconnects for everyone. */
  async switchTo(stage) {
    for (const b of this.buttons.querySelectorAll("button")) b.disabled = true;
    try {
      this.show(await switchKeyboardStage(this.targetName, stage));
    } catch (e) {
      if (goToSignInOn401(e)) return;
      this.showNotice(`Could not switch the keyboard: ${e.message}`, true);
      if (this.keyboard) this.show(this.keyboard);
    }
  }

  /**
   * The target's keyboard stage was switched (the tunnel closed with KeyholeCode.KEYBOARD_SWITCHED): reads the new
   * state and says which stage and layout are in effect now, also on the page that switched it.
   */
  async switched() {
    const target = await this.refresh();
    const keyboard = target && target.keyboard;
    if (!keyboard) {
      this.showNotice("Keyboard switched: the console reconnected with the new layout.");
    } else if (this.announced !== keyboard.stage) {
      this.announceSwitch(keyboard.stage, keyboard.layout);
    }
  }

  announceSwitch(stage, layout) {
    this.announced = stage;
    this.showNotice(`Keyboard switched to ${stage} (${layout}): the console reconnected with this layout.`);
  }

  showNotice(text, problem = false) {
    clearTimeout(this.noticeTimer);
    this.notice.textContent = text;
    this.notice.classList.toggle("problem", problem);
    this.notice.hidden = false;
    this.noticeTimer = setTimeout(() => {
      this.notice.hidden = true;
    }, NOTICE_MS);
  }
}
