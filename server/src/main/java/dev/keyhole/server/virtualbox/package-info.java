/**
 * VirtualBox hosts as a source of targets: every VM of a configured host, with its state, live.
 *
 * <p>{@link dev.keyhole.server.virtualbox.VirtualBoxHost} is the role (list VMs, watch events, start headless,
 * reset, power button, power off, screenshot); {@link dev.keyhole.server.virtualbox.WebServiceVirtualBoxHost}
 * fills it over the VirtualBox web service ({@code vboxwebsrv}, SOAP), and
 * {@link dev.keyhole.server.virtualbox.VirtualBoxTargetDirectory} turns the hosts' VMs into targets and changes
 * (for the browsers' event stream). Nothing outside this package knows SOAP.
 *
 * <p>{@link dev.keyhole.server.virtualbox.AbortPolicy} watches the same changes and acts on each host's
 * {@code on-abort}: an aborted VM (its process ended without powering it down) is restarted headless with growing
 * pauses, at most {@code max-restarts-per-hour} times, or only told; an
 * {@link dev.keyhole.server.virtualbox.AbortListener} hears what happened. Its Javadoc says what VirtualBox's events
 * let Keyhole tell apart, and what not.
 *
 * <h2>Why a small typed SOAP client, not generated stubs</h2>
 * The web service's WSDL (served at {@code GET /?wsdl} by {@code vboxwebsrv} 7.2) is 3.8 MB and describes every
 * interface of the API; a JAX-WS client generated from it is about 4,000 classes, and a trimmed copy would still
 * need the JAX-WS runtime, a code generator in the build, and a committed WSDL plus its trimming script to keep in
 * step with VirtualBox. Keyhole calls about 45 operations, each a flat request of strings and numbers, so
 * {@link dev.keyhole.server.virtualbox.WebServiceCalls} states exactly those calls (one method per operation,
 * with the 7.x parameter names, e.g. {@code launchVMProcess(session, name, environmentChanges)}) over
 * {@link dev.keyhole.server.virtualbox.SoapClient}: the JDK's HTTP client and DOM parser, no dependency. Answers
 * are read by element name and enumerations stay strings until mapped, so a newer 7.x that adds states, event
 * types or struct fields does not break Keyhole (an unknown state is shown as unknown). Maven Central's
 * {@code vboxjws} is 4.2.x and must not be used: 7.x ignores its {@code launchVMProcess} parameter names
 * ({@code type}, {@code environment}) and starts the GUI frontend instead of a headless VM.
 *
 * <p>The logon checks {@code IVirtualBox.APIVersion} and accepts any {@code 7_x}; another version is refused with
 * a message naming the VirtualBox version found. Events come from one passive listener per host
 * ({@code getEvent} with a timeout in a loop, {@code eventProcessed} for each), which also keeps the websession
 * alive; after the web service restarts the host is shown unreachable until the logon and listener are back,
 * then its VMs are re-read once. Credentials and managed object references are never logged.
 */
package dev.keyhole.server.virtualbox;
