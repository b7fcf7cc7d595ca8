package dev.keyhole.server.http;

import dev.keyhole.server.tunnel.Printable;
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

    JsonErrorHandler() {
        setShowStacks(false);
        setShowCauses(false);
        setShowMessageInTitle(false);
        setShowOrigin(false);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        secure(fields);
        fields.put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        return body(status);
    }

    @Override
    protected boolean generateAcceptableResponse(Request request, Response response, Callback callback,
            String contentType, List<Charset> charsets, int code, String message, Throwable cause) {
        secure(response.getHeaders());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json;charset=utf-8");
        response.write(true, body(code), callback);
        return true;
    }

    private static void secure(HttpFields.Mutable fields) {
        for (HttpField field : FrontDoor.SECURITY_HEADERS) {
            fields.put(field);
        }
    }

    /** {@code {"error":"REASON"}} with the standard reason phrase of {@code status}, never the request's text. */
    private static ByteBuffer body(int status) {
        String reason = Printable.of(HttpStatus.getMessage(status), 80).replace("\\", "/");
        return ByteBuffer.wrap(("{\"error\":\"" + reason + "\"}").getBytes(StandardCharsets.UTF_8));
    }
}
