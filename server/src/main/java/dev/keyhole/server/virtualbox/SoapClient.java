package dev.keyhole.server.virtualbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;

/**
 * Posts one SOAP 1.1 request to a VirtualBox web service and returns the response element: the wire format of
 * {@code vboxwebsrv} (document/literal; the operation element in the namespace {@code http://www.virtualbox.org/},
 * its children unqualified; {@code SOAPAction: ""}). Faults become {@link VirtualBoxException}s carrying the
 * service's own text. Messages never name the URL (they reach browsers); the host's log lines add it.
 */
final class SoapClient {

    static final String VBOX_NS = "http://www.virtualbox.org/";
    private static final String ENVELOPE_NS = "http://schemas.xmlsoap.org/soap/envelope/";

    /** The largest answer read: a listing of every VM of a host is tens of kilobytes. */
    private static final int MAX_ANSWER_BYTES = 16 * 1024 * 1024;

    private final URI url;
    private final Duration timeout;

    /**
     * @param url     the web service's URL, e.g. {@code http://127.0.0.1:18083/}
     * @param timeout how long one call may take beyond what the call itself waits for
     */
    SoapClient(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
    }

    URI url() {
        return url;
    }

    /** One argument of an operation: a name and a value (String, Number, Boolean, or a List of those). */
    record Arg(String name, Object value) {
    }

    static Arg arg(String name, Object value) {
        return new Arg(name, value);
    }

    /**
     * Calls {@code operation}.
     *
     * @param operation e.g. {@code IVirtualBox_getMachines}
     * @param extraWait how much longer than usual the service may take to answer (e.g. a getEvent timeout)
     * @param args      the arguments in the WSDL's order; a List value repeats the element
     * @return the {@code <operationResponse>} element
     * @throws VirtualBoxException.Unreachable when the service cannot be reached
     * @throws VirtualBoxException.InvalidObject when the service does not know a reference passed
     * @throws VirtualBoxException with the service's fault text otherwise
     */
    Element call(String operation, Duration extraWait, Arg... args) {
        StringBuilder body = new StringBuilder(256)
                .append("<?xml version=\"1.0\" encoding=\"UTF-8\"?><e:Envelope xmlns:e=\"").append(ENVELOPE_NS)
                .append("\"><e:Body><v:").append(operation).append(" xmlns:v=\"").append(VBOX_NS).append("\">");
        for (Arg a : args) {
            if (a.value() instanceof List<?> list) {
                for (Object item : list) {
                    element(body, a.name(), item);
                }
            } else if (a.value() != null) {
                element(body, a.name(), a.value());
            }
        }
        body.append("</v:").append(operation).append("></e:Body></e:Envelope>");

        HttpAnswer answer = post(body.toString().getBytes(StandardCharsets.UTF_8), timeout.plus(extraWait));
        Element bodyElement = parseBody(answer.body(), answer.status());
        Element first = firstChild(bodyElement);
        if (first != null && "Fault".equals(first.getLocalName()) && ENVELOPE_NS.equals(first.getNamespaceURI())) {
            throw fault(first);
        }
        if (first == null || !(operation + "Response").equals(first.getLocalName())) {
            throw new VirtualBoxException.Unreachable("the web service answered " + operation
                    + " with something that is not its response (HTTP " + answer.status() + ")", null);
        }
        return first;
    }

    /**
     * Posts one request on a connection of its own and reads the answer to the connection's end: HTTP/1.1 with
     * {@code Connection: close}.
     *
     * <p>vboxwebsrv serves each connection on one of its worker threads for as long as the connection stays open,
     * and hands a new connection to a thread it counts as idle or to one it starts then. A connection a client
     * keeps open for its next request holds a worker meanwhile: with a few of those (the JDK's HTTP client keeps
     * them for 20 minutes), a new connection was seen waiting 15 s in vboxwebsrv's queue, untouched, until yet
     * another connection made it start a thread, and a VM's start timed out. Closing every connection after its
     * answer frees the worker at once; opening one costs less than a millisecond next to the call. (The JDK's
     * clients do not close reliably: {@code java.net.http} refuses a {@code Connection} header, and
     * {@code HttpURLConnection} with one lost answers now and then against the JDK's own server.)
     *
     * @param wait how long the answer may take
     */
    private HttpAnswer post(byte[] body, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        boolean tls = "https".equalsIgnoreCase(url.getScheme());
        String host = url.getHost();
        int port = url.getPort() >= 0 ? url.getPort() : tls ? 443 : 80;
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        if (url.getRawQuery() != null) {
            path += "?" + url.getRawQuery();
        }
        String head = "POST " + path + " HTTP/1.1\r\nHost: " + url.getRawAuthority() + "\r\n"
                + "Content-Type: text/xml; charset=utf-8\r\nSOAPAction: \"\"\r\nContent-Length: " + body.length
                + "\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket(Proxy.NO_PROXY)) {
            socket.connect(new InetSocketAddress(host, port), (int) timeout.toMillis());
            Socket wire = socket;
            if (tls) {
                SSLSocket secure = (SSLSocket) ((SSLSocketFactory) SSLSocketFactory.getDefault())
                        .createSocket(socket, host, port, true);
                SSLParameters parameters = secure.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                secure.setSSLParameters(parameters);
                wire = secure;
            }
            wire.setSoTimeout((int) Math.max(1, wait.toMillis()));
            OutputStream out = wire.getOutputStream();
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return HttpAnswer.read(wire.getInputStream(), deadline, MAX_ANSWER_BYTES);
        } catch (SocketTimeoutException e) {
            throw new VirtualBoxException.Unreachable("the VirtualBox web service is not reachable (request timed out)",
                    e);
        } catch (IOException e) {
            throw new VirtualBoxException.Unreachable("the VirtualBox web service is not reachable (" + why(e) + ")",
                    e);
        }
    }

    /** What went wrong, in words that never name the URL (they reach browsers). */
    private String why(IOException e) {
        if (e instanceof UnknownHostException) {
            return "unknown host";
        }
        String message = e.getMessage();
        return message == null ? e.getClass().getSimpleName()
                : message.replace(url.toString(), "").replace(String.valueOf(url.getAuthority()), "");
    }

    private Element parseBody(byte[] bytes, int status) {
        Document document;
        try {
            document = parser().parse(new ByteArrayInputStream(bytes));
        } catch (SAXException | IOException e) {
            throw new VirtualBoxException.Unreachable("the web service's URL does not lead to a VirtualBox web service "
                    + "(HTTP " + status + ", not a SOAP answer)", e);
        }
        Element envelope = document.getDocumentElement();
        Element body = envelope == null ? null : child(envelope, "Body");
        if (body == null) {
            throw new VirtualBoxException.Unreachable("the web service's URL does not lead to a VirtualBox web service "
                    + "(HTTP " + status + ", no SOAP body)", null);
        }
        return body;
    }

    /** Turns a SOAP fault into an exception with VirtualBox's text (the part after "VirtualBox error: "). */
    static VirtualBoxException fault(Element fault) {
        String text = text(child(fault, "faultstring"));
        Element detail = child(fault, "detail");
        Element kind = detail == null ? null : firstChild(detail);
        String message = cleanFaultText(text);
        if (kind != null && "InvalidObjectFault".equals(kind.getLocalName())) {
            return new VirtualBoxException.InvalidObject(message);
        }
        return new VirtualBoxException(message);
    }

    /**
     * "VirtualBox error: apirc=0x80bb0007 The given session is busy (0x80bb0007)" → "The given session is busy
     * (0x80bb0007)". An empty fault says so.
     */
    static String cleanFaultText(String text) {
        String t = text == null ? "" : text.strip();
        if (t.startsWith("VirtualBox error:")) {
            t = t.substring("VirtualBox error:".length()).strip();
        }
        if (t.startsWith("apirc=")) {
            int space = t.indexOf(' ');
            t = space < 0 ? t : t.substring(space + 1).strip();
        }
        return t.isEmpty() ? "the VirtualBox web service refused the call without a reason" : t;
    }

    private static void element(StringBuilder out, String name, Object value) {
        out.append('<').append(name).append('>').append(escape(String.valueOf(value))).append("</").append(name)
                .append('>');
    }

    static String escape(String s) {
        StringBuilder out = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static DocumentBuilder parser() {
        try {
            DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
            factory.setNamespaceAware(true);
            // The answers come over the network: no DTDs, no external entities.
            factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            factory.setXIncludeAware(false);
            factory.setExpandEntityReferences(false);
            return factory.newDocumentBuilder();
        } catch (ParserConfigurationException e) {
            throw new IllegalStateException("the JDK's XML parser cannot be configured safely", e);
        }
    }

    // --- reading answers ------------------------------------------------------------------------------------

    static Element firstChild(Element parent) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e) {
                return e;
            }
        }
        return null;
    }

    /** The first child element with this local name, or null. */
    static Element child(Element parent, String localName) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                return e;
            }
        }
        return null;
    }

    /** Every child element with this local name, in order. */
    static List<Element> children(Element parent, String localName) {
        List<Element> out = new ArrayList<>();
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && localName.equals(e.getLocalName())) {
                out.add(e);
            }
        }
        return out;
    }

    static String text(Element element) {
        return element == null ? null : element.getTextContent();
    }

    /** The {@code returnval} of a response (null when absent; "" for an empty element). */
    static String returnval(Element response) {
        return text(child(response, "returnval"));
    }

    /** Every {@code returnval} of a response (arrays repeat the element). */
    static List<String> returnvals(Element response) {
        return children(response, "returnval").stream().map(Element::getTextContent).toList();
    }
}
