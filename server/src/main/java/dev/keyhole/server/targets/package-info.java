/**
 * The consoles Keyhole offers: {@link dev.keyhole.server.targets.TargetDirectory} is the role every source of
 * targets fills (the configuration file, {@link dev.keyhole.server.targets.ConfiguredTargetDirectory}; the VMs of
 * VirtualBox hosts, in the {@code virtualbox} package), and {@link dev.keyhole.server.targets.Target} is what a
 * target is to the rest of Keyhole: a name people choose, a title, and a
 * {@link dev.keyhole.server.targets.ConsoleSpec}, the typed description of how to reach its console and what it
 * expects (protocol, address, screen, security, certificate policy, credentials, keyboard stages). Browsers only
 * ever see the name, title and protocol, and the keyboard: {@link dev.keyhole.server.targets.KeyboardStages} knows
 * which boot stage (and so which keyboard layout) each target's console is at; the stage belongs to the target,
 * not to a viewer.
 */
package dev.keyhole.server.targets;
