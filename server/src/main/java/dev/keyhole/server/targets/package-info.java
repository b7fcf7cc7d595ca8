/**
 * The consoles Keyhole offers: {@link dev.keyhole.server.targets.TargetDirectory} is the role every source of
 * targets fills (the configuration file today; a VirtualBox host's live list of VMs later), and
 * {@link dev.keyhole.server.targets.Target} is what a target is to the rest of Keyhole: a name people choose and
 * the guacd parameters that reach its console. Browsers only ever see the name, title and protocol, and the
 * keyboard: {@link dev.keyhole.server.targets.KeyboardStages} knows which boot stage (and so which keyboard
 * layout) each target's console is at; the stage belongs to the target, not to a viewer.
 */
package dev.keyhole.server.targets;
