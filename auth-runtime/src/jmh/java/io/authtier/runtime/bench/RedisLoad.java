package io.authtier.runtime.bench;

import io.authtier.runtime.redis.RedisServers;
import java.time.Duration;
import java.util.List;

/**
 * What a phase of a benchmark cost the Redis servers and the runtime's JVM (this one, or the runtime's own when
 * it runs apart; wrk drives from outside both): CPU per request, and how many commands Redis read per
 * {@code read()} (how well the client pipelines).
 */
record RedisLoad(long commands, long reads, double redisCpuSeconds, Duration jvmCpu) {

    /** @param runtime the runtime's process */
    static RedisLoad of(List<RedisServers.Server> servers, ProcessHandle runtime) {
        long commands = 0;
        long reads = 0;
        double cpu = 0;
        for (RedisServers.Server server : servers) {
            String stats = server.command("INFO", "stats");
            String usage = server.command("INFO", "cpu");
            commands += field(stats, "total_commands_processed");
            reads += field(stats, "total_reads_processed");
            cpu += fieldDouble(usage, "used_cpu_user") + fieldDouble(usage, "used_cpu_sys");
        }
        return new RedisLoad(commands, reads, cpu, runtime.info().totalCpuDuration().orElse(Duration.ZERO));
    }

    /** "redis 5.6 µs CPU and 26.2 commands per read, runtime 31.0 µs CPU, per request" for {@code requests} since {@code before}. */
    String since(RedisLoad before, double requests) {
        long commandsDone = commands - before.commands;
        long readsDone = Math.max(1, reads - before.reads);
        return String.format("redis %.1f µs CPU and %.1f commands per read, runtime JVM %.1f µs CPU, per request",
                (redisCpuSeconds - before.redisCpuSeconds) * 1e6 / requests, (double) commandsDone / readsDone,
                jvmCpu.minus(before.jvmCpu).toNanos() / 1e3 / requests);
    }

    private static long field(String info, String name) {
        return (long) fieldDouble(info, name);
    }

    private static double fieldDouble(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                return Double.parseDouble(line.substring(name.length() + 1).trim());
            }
        }
        throw new IllegalStateException("INFO has no " + name);
    }
}
