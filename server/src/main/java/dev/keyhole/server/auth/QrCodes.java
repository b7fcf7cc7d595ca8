package dev.keyhole.server.auth;

import io.nayuki.qrcodegen.QrCode;

/** Draws QR codes as SVG, for the page to show as it is (no image decoding, sharp at any size, a few KB). */
public final class QrCodes {

    /** The quiet zone around the code, in modules: the four the QR specification asks for. */
    static final int BORDER = 4;

    private QrCodes() {
    }

    /**
     * Encodes text as a QR code with error correction level M (15 % of it can be lost), the level authenticator
     * apps' own examples use, and draws it.
     *
     * @param text what the code holds; at most what a version 40 code takes (over 2 KB)
     * @return a standalone SVG document: a white square with one black path of unit squares, one per dark module,
     *     the drawing {@code BORDER} modules in from every edge
     */
    public static String svg(String text) {
        QrCode qr = QrCode.encodeText(text, QrCode.Ecc.MEDIUM);
        int size = qr.size + 2 * BORDER;
        StringBuilder path = new StringBuilder();
        for (int y = 0; y < qr.size; y++) {
            for (int x = 0; x < qr.size; x++) {
                if (qr.getModule(x, y)) {
                    path.append('M').append(x + BORDER).append(',').append(y + BORDER).append("h1v1h-1z");
                }
            }
        }
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + size + " " + size + "\""
                + " shape-rendering=\"crispEdges\" role=\"img\" aria-label=\"QR code\">"
                + "<rect width=\"" + size + "\" height=\"" + size + "\" fill=\"#fff\"/>"
                + "<path d=\"" + path + "\" fill=\"#000\"/></svg>";
    }
}
