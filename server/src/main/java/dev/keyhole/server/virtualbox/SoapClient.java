package dev.keyhole.server.virtualbox;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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

    private final URI url;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param url     the web service's URL, e.g. {@code http://127.0.0.1:18083/}
     * @param timeout how long one call may take beyond what the call itself waits for
     */
    SoapClient(URI url, Duration timeout) {
        this.url = url;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
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

        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(timeout.plus(extraWait))
                .header("Content-Type", "text/xml; charset=utf-8")
                .header("SOAPAction", "\"\"")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString(), StandardCharsets.UTF_8))
                .build();
        HttpResponse<byte[]> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace(url.toString(), "");
            throw new VirtualBoxException.Unreachable("the VirtualBox web service is not reachable (" + why + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VirtualBoxException.Unreachable("interrupted while calling the VirtualBox web service", e);
        }
        Element bodyElement = parseBody(response.body(), response.statusCode());
        Element first = firstChild(bodyElement);
        if (first != null && "Fault".equals(first.getLocalName()) && ENVELOPE_NS.equals(first.getNamespaceURI())) {
            throw fault(first);
        }
        if (first == null || !(operation + "Response").equals(first.getLocalName())) {
            throw new VirtualBoxException.Unreachable("the web service answered " + operation
                    + " with something that is not its response (HTTP " + response.statusCode() + ")", null);
        }
        return first;
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
