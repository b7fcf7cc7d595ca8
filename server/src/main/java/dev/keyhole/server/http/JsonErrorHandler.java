package dev.keyhole.server.http;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Every error Jetty answers itself (an unknown path, a malformed request, a failure) as the API answers its own:
 * {@code {"error":"Not Found"}}. No HTML page, no stack, no server name or version, and nothing of the request
 * echoed back. A request too malformed to reach the {@link FrontDoor} still gets its security headers.
 */
final class JsonErrorHandler extends ErrorHandler {

    private static final String JSON = "application/json;charset=utf-8";

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
        setShowOrigin(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        secure(fields);
        fields.put(HttpHeader.CONTENT_TYPE, JSON);
        return body(HttpStatus.getMessage(status));
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
            String contentType, List<Charset> charsets, int code, String message, Throwable cause) {
        secure(response.getHeaders());
        write(response, HttpStatus.getMessage(code), callback);
        return true;
    }

    private static void secure(HttpFields.Mutable fields) {
        for (HttpField field : FrontDoor.SECURITY_HEADERS) {
            fields.put(field);
        }
    }

    /**
     * Writes {@code {"error": message}} as the whole answer, for the handlers in front of the servlets (which use
     * {@link JsonResponses}).
     *
     * @param message words for the person at the browser; Jetty's own errors give only the standard reason phrase
     *                (never the request's text)
     */
    static void write(Response response, String message, Callback callback) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, JSON);
        response.write(true, body(message), callback);
    }

    private static ByteBuffer body(String message) {
        String escaped = message.replace("\\", "\\\\").replace("\"", "\\\"");
        return ByteBuffer.wrap(("{\"error\":\"" + escaped + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
