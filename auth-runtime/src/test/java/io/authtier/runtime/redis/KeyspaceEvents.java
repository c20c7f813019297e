package io.authtier.runtime.redis;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Redis's own keyspace notifications for the keys matching a pattern, from a real subscription: what Redis did
 * to a key and in which order ({@code set}, {@code expire}, {@code del}, {@code expired}), with no polling, so a
 * test can tell a lock released by its holder ({@code del}) from one that ran out ({@code expired}).
 */
public final class KeyspaceEvents implements AutoCloseable {

    /** One notification: {@code event} happened to {@code key}. */
    public record Event(String key, String event) {
    }

    private static final String CHANNEL_PREFIX = "__keyspace@0__:";

    private final Socket socket;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();

    private KeyspaceEvents(Socket socket) {
        this.socket = socket;
    }

    /** Turns on keyspace notifications (string, generic and expiry events) and subscribes; the subscription is active on return. */
    public static KeyspaceEvents subscribe(RedisServers.Server redis, String keyPattern) {
        if (!"+OK".equals(redis.command("CONFIG", "SET", "notify-keyspace-events", "K$gx"))) {
            throw new IllegalStateException("cannot turn on keyspace notifications");
        }
        try {
            Socket socket = new Socket();
            socket.connect(new InetSocketAddress("127.0.0.1", redis.port()), 1000);
            String channel = CHANNEL_PREFIX + keyPattern;
            OutputStream out = socket.getOutputStream();
            out.write(("*2\r\n$10\r\nPSUBSCRIBE\r\n$" + channel.getBytes(StandardCharsets.UTF_8).length + "\r\n" + channel + "\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = new BufferedInputStream(socket.getInputStream());
            List<String> confirmation = reply(in);
            if (!confirmation.getFirst().equals("psubscribe")) {
                throw new IllegalStateException("unexpected answer to PSUBSCRIBE: " + confirmation);
            }
            KeyspaceEvents subscription = new KeyspaceEvents(socket);
            Thread.ofVirtual().name("keyspace-events").start(() -> subscription.read(in));
            return subscription;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void read(InputStream in) {
        try {
            while (true) {
                List<String> message = reply(in);   // pmessage, pattern, channel, event
                if (message.size() == 4 && message.get(0).equals("pmessage")) {
                    events.add(new Event(message.get(2).substring(CHANNEL_PREFIX.length()), message.get(3)));
                }
            }
        } catch (IOException | RuntimeException e) {
            // closed
        }
    }

    /** The next notification whose event is one of {@code wanted}, skipping others; fails after {@code timeout}. */
    public Event next(Set<String> wanted, Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Event event = events.poll(end - System.nanoTime(), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("no keyspace event of " + wanted + " within " + timeout);
            }
            if (wanted.contains(event.event())) {
                return event;
            }
        }
    }

    /** One RESP reply made of an array of bulk strings and integers, as its elements' text. */
    private static List<String> reply(InputStream in) throws IOException {
        String header = line(in);
        if (!header.startsWith("*")) {
            throw new IOException("expected an array, got " + header);
        }
        int count = Integer.parseInt(header.substring(1));
        List<String> elements = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            String element = line(in);
            if (element.startsWith("$")) {
                byte[] body = in.readNBytes(Integer.parseInt(element.substring(1)));
                in.readNBytes(2);
                elements.add(new String(body, StandardCharsets.UTF_8));
            } else {
                elements.add(element.substring(1));
            }
        }
        return elements;
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c == -1) {
                throw new IOException("closed");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
