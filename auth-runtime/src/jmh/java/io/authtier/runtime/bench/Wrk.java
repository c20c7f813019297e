package io.authtier.runtime.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Debian's {@code wrk} (C, closed loop, keep-alive) and reads its summary: throughput, the latency
 * percentiles of {@code --latency}, socket errors and non-2xx answers. The driver costs far less CPU than
 * a JVM client, which matters when it shares the two cores with the server it measures.
 */
record Wrk(int threads, int connections) {

    record Result(double requestsPerSecond, double p50Millis, double p99Millis, long socketErrors, long non2xx) {
        /** Every request answered 2xx without a socket error: otherwise fast refusals would inflate the figures. */
        Result clean() {
            if (socketErrors > 0 || non2xx > 0) {
                throw new IllegalStateException("a wrk run had errors, so its figures are not comparable: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return "%9.0f req/s  p50 %6.2f ms  p99 %6.2f ms  socket errors %d  non-2xx %d"
                    .formatted(requestsPerSecond, p50Millis, p99Millis, socketErrors, non2xx);
        }
    }

    /** One run of {@code seconds} against {@code url}; {@code extra} are more wrk arguments (headers, {@code -s script}). */
    Result run(String url, int seconds, String... extra) throws IOException, InterruptedException {
        return run(url, seconds, List.of(extra), List.of());
    }

    /** As above, with {@code scriptArgs} after the URL: a Lua script's {@code init(args)} reads them. */
    Result run(String url, int seconds, List<String> options, List<String> scriptArgs) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("wrk", "-t", String.valueOf(threads), "-c", String.valueOf(connections),
                "-d", seconds + "s", "--timeout", "10s", "--latency"));
        command.addAll(options);
        command.add(url);
        command.addAll(scriptArgs);
        Process wrk = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (wrk.waitFor() != 0) {
            throw new IOException("wrk failed: " + out);
        }
        return new Result(number(out, "Requests/sec:\\s+([0-9.]+)"), millis(out, "50%"), millis(out, "99%"),
                socketErrors(out), (long) number(out, "Non-2xx or 3xx responses:\\s+([0-9]+)"));
    }

    /**
     * A Lua script that sends {@code GET path} with a {@code Cookie} header taken in turn from the lines of
     * the file named by the script's first argument; each wrk thread starts at another line.
     */
    static String cyclingCookies(String path) {
        return """
                local threads = 0
                function setup(thread)
                  threads = threads + 1
                  thread:set("offset", threads)
                end
                local cookies = {}
                local i = 0
                function init(args)
                  for line in io.lines(args[1]) do cookies[#cookies + 1] = line end
                  i = (offset * 7919) %% #cookies
                end
                function request()
                  i = i %% #cookies + 1
                  return wrk.format("GET", "%s", {["Cookie"] = cookies[i]})
                end
                """.formatted(path);
    }

    private static double number(String out, String regex) {
        Matcher m = Pattern.compile(regex).matcher(out);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private static double millis(String out, String percentile) {
        Matcher m = Pattern.compile("^\\s+" + Pattern.quote(percentile) + "\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE).matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("no " + percentile + " line in wrk's output: " + out);
        }
        double value = Double.parseDouble(m.group(1));
        return switch (m.group(2)) {
            case "us" -> value / 1000;
            case "s" -> value * 1000;
            default -> value;
        };
    }

    private static long socketErrors(String out) {
        Matcher m = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        long sum = 0;
        if (m.find()) {
            for (int g = 1; g <= 4; g++) {
                sum += Long.parseLong(m.group(g));
            }
        }
        return sum;
    }
}
