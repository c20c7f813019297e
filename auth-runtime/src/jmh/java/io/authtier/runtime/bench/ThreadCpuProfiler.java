package io.authtier.runtime.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * CPU time of JMH's worker threads per operation: {@code -prof io.authtier.runtime.bench.ThreadCpuProfiler}.
 *
 * <p>JMH's own figure is wall time, which on a shared machine includes every moment another process held
 * the core. The bars of issue 3 are stated in CPU per validation, so this reads what the benchmark threads
 * actually ran ({@link ThreadMXBean#getThreadCpuTime}) over the measured operations of each iteration. It
 * counts only the worker threads: JIT and GC threads are left out, as they are in a steady state.
 */
public final class ThreadCpuProfiler implements InternalProfiler {

    private static final String WORKER = "jmh-worker";

    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private Map<Long, Long> before = Map.of();

    @Override
    public String getDescription() {
        return "CPU time of the benchmark threads per operation (ThreadMXBean), unaffected by time other processes hold the cores";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        before = workerCpuNanos();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
                                                       IterationResult result) {
        long ops = result.getMetadata().getMeasuredOps();
        long nanos = 0;
        for (Map.Entry<Long, Long> worker : workerCpuNanos().entrySet()) {
            nanos += worker.getValue() - before.getOrDefault(worker.getKey(), 0L);
        }
        if (ops <= 0) {
            return List.of();
        }
        return List.of(new ScalarResult("cpu", nanos / 1_000.0 / ops, "us/op", AggregationPolicy.AVG));
    }

    private Map<Long, Long> workerCpuNanos() {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info != null && info.getThreadName().contains(WORKER)) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }
}
