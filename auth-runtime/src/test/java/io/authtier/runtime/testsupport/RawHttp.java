package io.authtier.runtime.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** HTTP/1.1 over a plain socket, for requests no HTTP client sends: cut short, trickled, pipelined. */
public final class RawHttp {
    private static final Pattern CONTENT_LENGTH = Pattern.compile("(?i)content-length: (\\d+)");

    private RawHttp() {}

    /** A loopback connection that fails a read after 15 s rather than hang a test whose server never answers. */
    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(15_000);
        return socket;
    }

    /** Everything the server sends until it closes the connection (a reset counts as closed). */
    public static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n; (n = in.read(buffer)) != -1; ) {
                received.write(buffer, 0, n);
            }
        } catch (SocketException reset) {
            // closed with our unread bytes in its buffer: a reset, which is a close all the same
        }
        return received.toString(StandardCharsets.US_ASCII);
    }

    /** One response's head, its body (by Content-Length) read past. */
    public static String readHead(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        Matcher length = CONTENT_LENGTH.matcher(head);
        in.readNBytes(length.find() ? Integer.parseInt(length.group(1)) : 0);
        return head.toString();
    }

    /** A response as it came: status, header lines in order (names as sent), body. */
    public record Response(int status, List<Map.Entry<String, String>> headers, String body) {
        /** Every value of header {@code name} (any case), in order. */
        public List<String> all(String name) {
            return headers.stream().filter(h -> h.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue).toList();
        }

        /** The first value of header {@code name}, or null. */
        public String first(String name) {
            List<String> values = all(name);
            return values.isEmpty() ? null : values.getFirst();
        }
    }

    /**
     * Sends exactly {@code method target HTTP/1.1} with {@code headers} (name, value; in order, none added but
     * {@code Connection: close}) and no body, and reads the answer until the server closes the connection: the
     * request a proxy sends, byte for byte, which an HTTP client library would amend (Host, Upgrade, ...).
     */
    public static Response exchange(int port, String method, String target, List<Map.Entry<String, String>> headers) {
        StringBuilder request = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        headers.forEach(h -> request.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
        request.append("Connection: close\r\n\r\n");
        try (Socket socket = connect(port)) {
            socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.UTF_8));
            return parse(readUntilClosed(socket));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Response parse(String raw) {
        // Interim answers (100 Continue) come first; a client reads past them, as Go's and Envoy's do
        while (raw.startsWith("HTTP/1.1 1") && raw.indexOf("\r\n\r\n") > 0) {
            raw = raw.substring(raw.indexOf("\r\n\r\n") + 4);
        }
        int end = raw.indexOf("\r\n\r\n");
        if (end < 0) {
            throw new IllegalStateException("no complete answer: " + raw);
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.add(Map.entry(lines[i].substring(0, colon), lines[i].substring(colon + 1).strip()));
        }
        String body = raw.substring(end + 4);
        String length = headers.stream().filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals("content-length"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        return new Response(status, List.copyOf(headers), length == null ? body : body.substring(0, Math.min(body.length(), Integer.parseInt(length))));
    }
}
