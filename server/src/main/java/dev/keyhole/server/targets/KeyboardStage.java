package dev.keyhole.server.targets;

/**
 * One stage of a console's boot at which someone may have to type (GRUB's prompt, the initramfs's LUKS prompt, …),
 * with the keyboard layout the console expects at that stage.
 *
 * @param name   the stage's name as configured ({@code [a-z0-9][a-z0-9-]*}, e.g. {@code grub}, {@code initramfs})
 * @param layout the layout at that stage, as guacd names it (e.g. {@code de-de-qwertz})
 */
public record KeyboardStage(String name, String layout) {
}
