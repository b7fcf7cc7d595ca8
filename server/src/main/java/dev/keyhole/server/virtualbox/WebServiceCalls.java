package dev.keyhole.server.virtualbox;

import static dev.keyhole.server.virtualbox.SoapClient.arg;
import static dev.keyhole.server.virtualbox.SoapClient.child;
import static dev.keyhole.server.virtualbox.SoapClient.returnval;
import static dev.keyhole.server.virtualbox.SoapClient.returnvals;
import static dev.keyhole.server.virtualbox.SoapClient.text;

import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.w3c.dom.Element;

/**
 * Exactly the web service operations Keyhole calls, typed: one method per operation, named after it, with the
 * 7.x parameter names. Managed object references are plain strings ({@code "b210…-0000000000000002"}); they
 * belong to the websession and are never logged.
 */
final class WebServiceCalls {

    private static final Duration NO_EXTRA = Duration.ZERO;

    private final SoapClient soap;

    WebServiceCalls(SoapClient soap) {
        this.soap = soap;
    }

    private Element call(String operation, SoapClient.Arg... args) {
        return soap.call(operation, NO_EXTRA, args);
    }

    private String ret(String operation, String self) {
        return returnval(call(operation, arg("_this", self)));
    }

    // IWebsessionManager

    String logon(String username, String password) {
        return returnval(call("IWebsessionManager_logon", arg("username", username), arg("password", password)));
    }

    String getSessionObject(String vbox) {
        return returnval(call("IWebsessionManager_getSessionObject", arg("refIVirtualBox", vbox)));
    }

    void logoff(String vbox) {
        call("IWebsessionManager_logoff", arg("refIVirtualBox", vbox));
    }

    void release(String ref) {
        call("IManagedObjectRef_release", arg("_this", ref));
    }

    // IVirtualBox

    String apiVersion(String vbox) {
        return ret("IVirtualBox_getAPIVersion", vbox);
    }

    String version(String vbox) {
        return ret("IVirtualBox_getVersion", vbox);
    }

    List<String> machines(String vbox) {
        return returnvals(call("IVirtualBox_getMachines", arg("_this", vbox)));
    }

    String findMachine(String vbox, String nameOrId) {
        return returnval(call("IVirtualBox_findMachine", arg("_this", vbox), arg("nameOrId", nameOrId)));
    }

    String eventSource(String vbox) {
        return ret("IVirtualBox_getEventSource", vbox);
    }

    // IMachine

    String machineId(String machine) {
        return ret("IMachine_getId", machine);
    }

    String machineName(String machine) {
        return ret("IMachine_getName", machine);
    }

    String machineState(String machine) {
        return ret("IMachine_getState", machine);
    }

    String vrdeServer(String machine) {
        return ret("IMachine_getVRDEServer", machine);
    }

    String launchVMProcess(String machine, String session, String frontend, List<String> environmentChanges) {
        return returnval(call("IMachine_launchVMProcess", arg("_this", machine), arg("session", session),
                arg("name", frontend), arg("environmentChanges", environmentChanges)));
    }

    void lockMachine(String machine, String session, String lockType) {
        call("IMachine_lockMachine", arg("_this", machine), arg("session", session), arg("lockType", lockType));
    }

    // ISession

    void unlockMachine(String session) {
        call("ISession_unlockMachine", arg("_this", session));
    }

    String sessionState(String session) {
        return ret("ISession_getState", session);
    }

    String console(String session) {
        return ret("ISession_getConsole", session);
    }

    // IVRDEServer

    boolean vrdeEnabled(String vrde) {
        return Boolean.parseBoolean(ret("IVRDEServer_getEnabled", vrde));
    }

    String vrdeExtPack(String vrde) {
        return ret("IVRDEServer_getVRDEExtPack", vrde);
    }

    String vrdeProperty(String vrde, String key) {
        return returnval(call("IVRDEServer_getVRDEProperty", arg("_this", vrde), arg("key", key)));
    }

    void setVrdeEnabled(String vrde, boolean enabled) {
        call("IVRDEServer_setEnabled", arg("_this", vrde), arg("enabled", enabled));
    }

    void setVrdeProperty(String vrde, String key, String value) {
        call("IVRDEServer_setVRDEProperty", arg("_this", vrde), arg("key", key), arg("value", value));
    }

    String sessionMachine(String session) {
        return ret("ISession_getMachine", session);
    }

    void saveSettings(String machine) {
        call("IMachine_saveSettings", arg("_this", machine));
    }

    // IConsole

    /** {@code IConsole_getVRDEServerInfo}: a struct in the web service, read whole. */
    Element vrdeServerInfo(String console) {
        return child(call("IConsole_getVRDEServerInfo", arg("_this", console)), "returnval");
    }

    String guest(String console) {
        return ret("IConsole_getGuest", console);
    }

    String display(String console) {
        return ret("IConsole_getDisplay", console);
    }

    void reset(String console) {
        call("IConsole_reset", arg("_this", console));
    }

    void powerButton(String console) {
        call("IConsole_powerButton", arg("_this", console));
    }

    String powerDown(String console) {
        return ret("IConsole_powerDown", console);
    }

    // IGuest, IDisplay

    String additionsRunLevel(String guest) {
        return ret("IGuest_getAdditionsRunLevel", guest);
    }

    /** @return {width, height} of screen 0 */
    int[] screenResolution(String display) {
        Element r = call("IDisplay_getScreenResolution", arg("_this", display), arg("screenId", 0));
        return new int[] {Integer.parseInt(text(child(r, "width"))), Integer.parseInt(text(child(r, "height")))};
    }

    byte[] takeScreenShotToArray(String display, int width, int height) {
        String data = returnval(call("IDisplay_takeScreenShotToArray", arg("_this", display), arg("screenId", 0),
                arg("width", width), arg("height", height), arg("bitmapFormat", "PNG")));
        return Base64.getMimeDecoder().decode(data == null ? "" : data);
    }

    // IProgress, IVirtualBoxErrorInfo

    void waitForCompletion(String progress, Duration timeout) {
        soap.call("IProgress_waitForCompletion", timeout, arg("_this", progress),
                arg("timeout", (int) timeout.toMillis()));
    }

    boolean completed(String progress) {
        return Boolean.parseBoolean(ret("IProgress_getCompleted", progress));
    }

    int resultCode(String progress) {
        return Integer.parseInt(ret("IProgress_getResultCode", progress));
    }

    String errorInfo(String progress) {
        return ret("IProgress_getErrorInfo", progress);
    }

    String errorText(String errorInfo) {
        return ret("IVirtualBoxErrorInfo_getText", errorInfo);
    }

    // IEventSource, IEvent

    String createListener(String source) {
        return ret("IEventSource_createListener", source);
    }

    void registerListener(String source, String listener, List<String> interesting) {
        call("IEventSource_registerListener", arg("_this", source), arg("listener", listener),
                arg("interesting", interesting), arg("active", false));
    }

    void unregisterListener(String source, String listener) {
        call("IEventSource_unregisterListener", arg("_this", source), arg("listener", listener));
    }

    /** @return the next event's reference, or empty/null when none came within {@code timeout} */
    String getEvent(String source, String listener, Duration timeout) {
        return returnval(soap.call("IEventSource_getEvent", timeout, arg("_this", source), arg("listener", listener),
                arg("timeout", (int) timeout.toMillis())));
    }

    void eventProcessed(String source, String listener, String event) {
        call("IEventSource_eventProcessed", arg("_this", source), arg("listener", listener), arg("event", event));
    }

    String eventType(String event) {
        return ret("IEvent_getType", event);
    }

    /** A call on one object with no other arguments, for getters used once. */
    Element soapCall(String operation, String self) {
        return call(operation, arg("_this", self));
    }

    String eventMachineId(String event) {
        return ret("IMachineEvent_getMachineId", event);
    }
}
