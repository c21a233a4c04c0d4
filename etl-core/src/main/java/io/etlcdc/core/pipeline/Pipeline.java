package io.etlcdc.core.pipeline;

import io.etlcdc.core.error.ErrorCode;
import io.etlcdc.core.error.EtlException;
import io.etlcdc.core.event.ChangeEvent;
import io.etlcdc.core.event.Position;
import io.etlcdc.core.lineage.AssetKind;
import io.etlcdc.core.metrics.PipelineMetrics;
import io.etlcdc.core.spi.DeadLetter;
import io.etlcdc.core.spi.DeadLetterSink;
import io.etlcdc.core.spi.LineageStore;
import io.etlcdc.core.spi.OffsetStore;
import io.etlcdc.core.spi.RuleDescriptor;
import io.etlcdc.core.spi.Sink;
import io.etlcdc.core.spi.SinkContext;
import io.etlcdc.core.spi.Source;
import io.etlcdc.core.spi.SourceHealth;
import io.etlcdc.core.spi.Transform;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The pipeline runtime: sources → bounded buffer → stages (schema, transforms, quality) → sinks →
 * position commit. Build one with {@link #builder()}.
 *
 * <pre>{@code
 * try (Pipeline p = Pipeline.builder()
 *         .source("pg", postgresSource)
 *         .transform(rules)
 *         .sink("archive", fileSink)
 *         .offsetStore(new FileOffsetStore(Path.of("data/offsets.json")))
 *         .build()) {
 *     p.start();
 *     ...
 * }
 * }</pre>
 *
 * <p><b>Guarantees.</b> Each source runs on its own thread and emits into one buffer bounded by
 * {@code bufferSize} events (queued or in flight), so a slow sink slows the sources rather than
 * growing memory. One worker thread takes chunks in arrival order (so each source's order is kept),
 * runs every stage on the whole batch, writes it to every sink, writes dead letters, and only then
 * commits each source's highest position through the {@link OffsetStore} and tells the source.
 * Events at or below a source's committed or last accepted position are dropped as duplicates and
 * counted. A record a stage cannot process goes to the dead-letter sink and the rest flow on.
 * Transient sink errors are retried per the {@link RetryPolicy} (forever by default); a permanent one
 * fails the pipeline without committing, so nothing acknowledged is ever lost.
 */
public final class Pipeline implements Runnable, Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** A sink with its id and the kind of asset it writes (for lineage). */
    public record SinkEntry(String id, Sink sink, AssetKind assetKind) {}

    /** A stage with its name ({@code schema}, {@code transform}, {@code quality}). */
    record Stage(String name, Transform transform) {}

    private final String name;
    private final Map<String, Source> initialSources;
    private final List<Stage> stages;
    private final List<SinkEntry> sinks;
    private final OffsetStore offsetStore;
    private final DeadLetterSink deadLetterSink;
    private final LineageRecorder lineage;
    private final PipelineListener listener;
    private final RetryPolicy retryPolicy;
    private final Clock clock;
    private final int maxBatchSize;
    private final Duration stopTimeout;
    private final PipelineMetrics metrics;
    private final EventBuffer buffer;

    private final Map<String, SourceRunner> runners = new LinkedHashMap<>();
    private final Map<String, PipelineSinkContext> sinkContexts = new java.util.concurrent.ConcurrentHashMap<>();
    private final AtomicReference<PipelineState> state = new AtomicReference<>(PipelineState.CREATED);
    private final CountDownLatch terminated = new CountDownLatch(1);
    private volatile boolean accepting;
    private volatile boolean workerRunning;
    private volatile String failure;
    private volatile Instant startedAt;
    private Thread worker;

    Pipeline(PipelineBuilder b) {
        this.name = b.name;
        this.initialSources = new LinkedHashMap<>(b.sources);
        this.stages = List.copyOf(b.stages());
        this.sinks = new CopyOnWriteArrayList<>(b.sinks);
        this.offsetStore = b.offsetStore;
        this.deadLetterSink = b.deadLetterSink;
        this.lineage = new LineageRecorder(b.lineageStore);
        this.listener = b.listener;
        this.retryPolicy = b.retryPolicy;
        this.clock = b.clock;
        this.maxBatchSize = b.maxBatchSize;
        this.stopTimeout = b.stopTimeout;
        this.metrics = new PipelineMetrics(clock);
        this.buffer = new EventBuffer(b.bufferSize);
    }

    public static PipelineBuilder builder() {
        return new PipelineBuilder();
    }

    /**
     * Opens the sinks, starts the worker and every source, and returns. Fails (and stays CREATED)
     * when a sink cannot be opened or the committed positions cannot be read.
     */
    public synchronized void start() {
        if (state.get() != PipelineState.CREATED) {
            throw new EtlException(ErrorCode.CONFLICT, "pipeline '" + name + "' is " + state.get() + "; a pipeline starts once");
        }
        for (SinkEntry s : sinks) {
            openSink(s);
        }
        accepting = true;
        workerRunning = true;
        startedAt = clock.instant();
        worker = new Thread(this::workLoop, "etl-pipeline-" + name);
        worker.setDaemon(true);
        worker.start();
        changeState(PipelineState.RUNNING, null);
        initialSources.forEach(this::addSource);
    }

    private void openSink(SinkEntry s) {
        PipelineSinkContext ctx = new PipelineSinkContext(s.id());
        sinkContexts.put(s.id(), ctx);
        try {
            s.sink().open(ctx);
        } catch (Exception e) {
            throw new EtlException(ErrorCode.SINK_FAILED, "sink '" + s.id() + "' could not be opened: " + e.getMessage(), e);
        }
    }

    /** Starts and waits until the pipeline stops or fails. */
    @Override
    public void run() {
        start();
        try {
            terminated.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
        }
    }

    /**
     * Adds a source to a running pipeline and starts it from its committed position.
     *
     * @throws EtlException {@link ErrorCode#CONFLICT} when a running source already has that id
     */
    public synchronized void addSource(String sourceId, Source source) {
        SourceRunner existing = runners.get(sourceId);
        if (existing != null && existing.state() != SourceState.STOPPED && existing.state() != SourceState.FAILED) {
            throw new EtlException(ErrorCode.CONFLICT, "source '" + sourceId + "' is already running in pipeline '" + name + "'");
        }
        if (!accepting) {
            throw new EtlException(ErrorCode.CONFLICT, "pipeline '" + name + "' is not running");
        }
        Position committed = offsetStore.load(sourceId).orElse(null);
        SourceRunner runner = new SourceRunner(sourceId, source, this, committed, Math.min(maxBatchSize, buffer.capacity()));
        runners.put(sourceId, runner);
        runner.start();
    }

    /** Stops one source; its committed position stays. Events it already emitted are still delivered. */
    public void stopSource(String sourceId, Duration timeout) {
        SourceRunner runner;
        synchronized (this) {
            runner = runners.get(sourceId);
        }
        if (runner == null) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no source '" + sourceId + "' in pipeline '" + name + "'");
        }
        runner.requestStop();
        try {
            if (!runner.join(timeout.toMillis())) {
                LOG.warn("source {} did not stop within {}", sourceId, timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks a source to re-read tables as snapshot events (all its tables when {@code tables} is empty). */
    public void requestSnapshot(String sourceId, List<String> tables) {
        SourceRunner runner;
        synchronized (this) {
            runner = runners.get(sourceId);
        }
        if (runner == null) {
            throw new EtlException(ErrorCode.NOT_FOUND, "no source '" + sourceId + "' in pipeline '" + name + "'");
        }
        runner.source().requestSnapshot(tables);
    }

    /**
     * Stops gracefully: sources stop, buffered events are delivered and committed, sinks close.
     * Idempotent; returns when stopped or after the stop timeout.
     */
    public void stop() {
        PipelineState s = state.get();
        if (s == PipelineState.CREATED) {
            changeState(PipelineState.STOPPED, null);
            terminated.countDown();
            return;
        }
        if (s.isTerminal() || s == PipelineState.STOPPING) {
            awaitTermination(stopTimeout);
            return;
        }
        changeState(PipelineState.STOPPING, null);
        List<SourceRunner> all;
        synchronized (this) {
            all = new ArrayList<>(runners.values());
        }
        all.forEach(SourceRunner::requestStop);
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        for (SourceRunner r : all) {
            try {
                r.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        accepting = false;
        workerRunning = false;
        awaitTermination(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
    }

    /** Waits until the pipeline is stopped or failed; true when it is. */
    public boolean awaitTermination(Duration timeout) {
        try {
            return terminated.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public String name() {
        return name;
    }

    public PipelineState state() {
        return state.get();
    }

    /** Why the pipeline failed, if it did. */
    public Optional<String> failure() {
        return Optional.ofNullable(failure);
    }

    public PipelineMetrics metrics() {
        return metrics;
    }

    /** A snapshot of state, sources, sinks, buffer and counters. */
    public PipelineStatus status() {
        List<PipelineStatus.SourceStatus> sources = new ArrayList<>();
        synchronized (this) {
            for (SourceRunner r : runners.values()) {
                SourceHealth health;
                try {
                    health = r.source().health();
                } catch (RuntimeException e) {
                    health = SourceHealth.down("health check failed: " + e.getMessage());
                }
                Position committed = r.committed();
                long lag = metrics.source(r.id()).lagMillis();
                sources.add(new PipelineStatus.SourceStatus(r.id(), r.state(), committed == null ? null : committed.display(),
                        health, r.error(), lag));
            }
        }
        List<PipelineStatus.SinkStatus> sinkStatus = new ArrayList<>();
        for (SinkEntry s : sinks) {
            io.etlcdc.core.spi.ComponentHealth h;
            try {
                h = s.sink().health();
            } catch (RuntimeException e) {
                h = io.etlcdc.core.spi.ComponentHealth.down(e.getMessage());
            }
            sinkStatus.add(new PipelineStatus.SinkStatus(s.id(), h));
        }
        Instant started = startedAt;
        long uptime = started == null || state.get().isTerminal() ? 0 : Duration.between(started, clock.instant()).toMillis();
        return new PipelineStatus(name, state.get(), started, uptime, failure, buffer.used(), buffer.capacity(),
                sources, sinkStatus, metrics.snapshot());
    }

    // ---- worker -------------------------------------------------------------------------------

    private void workLoop() {
        try {
            while (true) {
                EventBuffer.Chunk first = buffer.poll(50);
                if (first == null) {
                    if (!workerRunning && buffer.isEmpty()) {
                        break;
                    }
                    continue;
                }
                List<EventBuffer.Chunk> chunks = new ArrayList<>(4);
                chunks.add(first);
                int total = first.events().size();
                EventBuffer.Chunk next;
                while (!first.isReplay() && total < maxBatchSize && (next = buffer.peek()) != null && !next.isReplay()) {
                    buffer.pollNow();
                    chunks.add(next);
                    total += next.events().size();
                }
                boolean ok = first.isReplay() ? processReplay(first) : processBatch(chunks, total);
                if (!ok) {
                    break;
                }
                buffer.release(total);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            fail("pipeline worker crashed: " + t, t);
        } finally {
            finish();
        }
    }

    private void finish() {
        accepting = false;
        workerRunning = false;
        List<SourceRunner> all;
        synchronized (this) {
            all = new ArrayList<>(runners.values());
        }
        all.forEach(SourceRunner::requestStop);
        for (SinkEntry s : sinks) {
            try {
                s.sink().close();
            } catch (Exception e) {
                LOG.warn("closing sink {} failed: {}", s.id(), e.toString());
            }
        }
        if (state.get() != PipelineState.FAILED) {
            changeState(PipelineState.STOPPED, null);
        }
        terminated.countDown();
    }

    /** Runs one batch through every stage and sink and commits it; false when the pipeline must stop. */
    private boolean processBatch(List<EventBuffer.Chunk> chunks, int total) throws InterruptedException {
        List<ChangeEvent> input;
        if (chunks.size() == 1) {
            input = chunks.get(0).events();
        } else {
            input = new ArrayList<>(total);
            for (EventBuffer.Chunk c : chunks) {
                input.addAll(c.events());
            }
        }
        input = withoutFailedSources(input);
        List<ChangeEvent> current = input;
        List<DeadLetter> deadLetters = new ArrayList<>(0);
        Map<String, Integer> failuresByRule = new HashMap<>();
        int filtered = 0;
        int dropped = 0;
        for (Stage stage : stages) {
            if (current.isEmpty()) {
                break;
            }
            StageCollector out = runStage(stage, current);
            metrics.stage(stage.name()).record(current.size(), out.out.size(), out.filtered, out.dropped, out.deadLetters.size());
            if (out.pipelineFailure != null) {
                fail(stage.name() + " stage stopped the pipeline: " + out.pipelineFailure, null);
                return false;
            }
            List<ChangeEvent> next = out.out;
            if (!out.failedSources.isEmpty()) {
                out.failedSources.forEach(this::failSourceById);
                next = withoutFailedSources(next);
                input = withoutFailedSources(input);
                deadLetters.removeIf(d -> out.failedSources.containsKey(d.event().sourceId()));
                out.deadLetters.removeIf(d -> out.failedSources.containsKey(d.event().sourceId()));
            }
            deadLetters.addAll(out.deadLetters);
            out.failuresByRule.forEach((k, v) -> failuresByRule.merge(k, v, Integer::sum));
            filtered += out.filtered;
            dropped += out.dropped;
            current = next;
        }

        List<DeadLetter> sinkDeadLetters = new ArrayList<>(0);
        if (!current.isEmpty()) {
            for (SinkEntry sink : sinks) {
                if (!writeToSink(sink, current, sinkDeadLetters)) {
                    return false;
                }
            }
        }
        deadLetters.addAll(sinkDeadLetters);
        if (!deadLetters.isEmpty() && !writeDeadLetters(deadLetters)) {
            return false;
        }
        if (!commit(input)) {
            return false;
        }
        metrics.batchDone(current.size(), filtered, dropped, deadLetters.size(), input.size());
        lineage.record(input, current, ruleDescriptors(), failuresByRule, sinks, clock.instant());
        if (!deadLetters.isEmpty()) {
            notifyListener(() -> listener.onDeadLetters(deadLetters));
        }
        return true;
    }

    /**
     * Runs events again through every stage and sink, e.g. dead letters after the rule that refused
     * them was fixed. Replays bypass dedup and never move a source's committed position; events that
     * fail again go back to the dead-letter sink. Each replayed event's position is marked
     * ({@code offset.replay = true}) so that position-idempotent sinks write it again.
     *
     * @return a future completed with the number of events delivered, once the replay was processed
     */
    public java.util.concurrent.CompletableFuture<Integer> replay(List<ChangeEvent> events) throws InterruptedException {
        if (state.get() != PipelineState.RUNNING) {
            throw new EtlException(ErrorCode.CONFLICT, "pipeline '" + name + "' is " + state.get() + "; start it before replaying");
        }
        List<ChangeEvent> marked = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            Map<String, Object> offset = new LinkedHashMap<>(e.position().offset());
            offset.put(REPLAY_MARK, true);
            marked.add(e.withPosition(e.position().withOffset(offset)));
        }
        java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
        replays.add(done);
        for (int from = 0; from < marked.size(); from += buffer.capacity()) {
            List<ChangeEvent> chunk = marked.subList(from, Math.min(marked.size(), from + buffer.capacity()));
            buffer.put(new EventBuffer.Chunk(null, chunk), () -> accepting);
        }
        buffer.put(new EventBuffer.Chunk(null, List.of()), () -> accepting);
        return done;
    }

    /** The offset key that marks a replayed event's position. */
    public static final String REPLAY_MARK = "replay";

    /** True when the event is a replay (see {@link #replay}). */
    public static boolean isReplay(ChangeEvent event) {
        return Boolean.TRUE.equals(event.position().offset().get(REPLAY_MARK));
    }

    private final java.util.concurrent.ConcurrentLinkedQueue<java.util.concurrent.CompletableFuture<Integer>> replays =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private int replayedSoFar;

    private boolean processReplay(EventBuffer.Chunk chunk) throws InterruptedException {
        if (chunk.events().isEmpty()) {
            // the end marker of one replay request
            java.util.concurrent.CompletableFuture<Integer> done = replays.poll();
            if (done != null) {
                done.complete(replayedSoFar);
            }
            replayedSoFar = 0;
            return true;
        }
        List<ChangeEvent> current = chunk.events();
        List<DeadLetter> deadLetters = new ArrayList<>(0);
        for (Stage stage : stages) {
            if (current.isEmpty()) {
                break;
            }
            StageCollector out = runStage(stage, current);
            deadLetters.addAll(out.deadLetters);
            current = out.out;
        }
        List<DeadLetter> refused = new ArrayList<>(0);
        if (!current.isEmpty()) {
            for (SinkEntry sink : sinks) {
                if (!writeToSink(sink, current, refused)) {
                    replays.forEach(f -> f.completeExceptionally(new EtlException(ErrorCode.SINK_FAILED, "replay stopped: " + failure)));
                    return false;
                }
            }
        }
        deadLetters.addAll(refused);
        if (!deadLetters.isEmpty() && !writeDeadLetters(deadLetters)) {
            return false;
        }
        replayedSoFar += current.size() - refused.size();
        return true;
    }

    private StageCollector runStage(Stage stage, List<ChangeEvent> batch) {
        StageCollector out = new StageCollector(stage.name(), clock, batch.size());
        try {
            stage.transform().apply(batch, out);
            return out;
        } catch (Exception batchError) {
            LOG.warn("{} '{}' failed on a batch of {} ({}); retrying event by event", stage.name(), stage.transform().id(),
                    batch.size(), batchError.toString());
        }
        StageCollector all = new StageCollector(stage.name(), clock, batch.size());
        for (ChangeEvent e : batch) {
            StageCollector single = new StageCollector(stage.name(), clock, 1);
            try {
                stage.transform().apply(List.of(e), single);
                all.mergeFrom(single);
            } catch (Exception error) {
                all.deadLetter(e, stage.transform().id(), error.getClass().getSimpleName()
                        + (error.getMessage() == null ? "" : ": " + error.getMessage()), Map.of());
            }
        }
        return all;
    }

    private boolean writeToSink(SinkEntry sink, List<ChangeEvent> batch, List<DeadLetter> deadLetters) throws InterruptedException {
        PipelineSinkContext ctx = sinkContexts.get(sink.id());
        for (int attempt = 1; ; attempt++) {
            long t0 = System.nanoTime();
            List<DeadLetter> refused = new ArrayList<>(0);
            ctx.collecting = refused;
            try {
                sink.sink().write(batch);
                metrics.sinkWritten(sink.id(), batch.size() - refused.size(), System.nanoTime() - t0);
                deadLetters.addAll(refused);
                return true;
            } catch (InterruptedException e) {
                throw e;
            } catch (Exception e) {
                metrics.sinkFailure(sink.id());
                Optional<Duration> delay = retryPolicy.nextDelay(attempt, e);
                if (delay.isEmpty()) {
                    fail("sink '" + sink.id() + "' failed: " + describe(e), e);
                    return false;
                }
                metrics.sinkRetry(sink.id());
                LOG.warn("sink {} failed (attempt {}): {}; retrying in {} ms", sink.id(), attempt, describe(e), delay.get().toMillis());
                if (!sleepUnlessStopping(delay.get())) {
                    LOG.warn("stopping while sink {} is failing; the batch stays uncommitted and will be re-delivered", sink.id());
                    return false;
                }
            } finally {
                ctx.collecting = null;
            }
        }
    }

    private boolean writeDeadLetters(List<DeadLetter> deadLetters) throws InterruptedException {
        if (deadLetterSink == null) {
            deadLetters.forEach(d -> LOG.warn("dead letter from {} {} at {}: {}", d.stage(), d.component(), d.event().position(), d.reason()));
            return true;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                deadLetterSink.write(deadLetters);
                return true;
            } catch (Exception e) {
                Optional<Duration> delay = retryPolicy.nextDelay(attempt, e);
                if (delay.isEmpty()) {
                    fail("dead-letter sink failed: " + describe(e), e);
                    return false;
                }
                if (!sleepUnlessStopping(delay.get())) {
                    return false;
                }
            }
        }
    }

    /** Commits each source's highest position of the batch; false when the pipeline must stop. */
    private boolean commit(List<ChangeEvent> input) throws InterruptedException {
        // events of one source are in order, so the last one of each source carries its highest position
        Map<String, ChangeEvent> last = new LinkedHashMap<>();
        Map<String, Integer> counts = new HashMap<>();
        for (ChangeEvent e : input) {
            last.put(e.sourceId(), e);
            counts.merge(e.sourceId(), 1, Integer::sum);
        }
        for (Map.Entry<String, ChangeEvent> entry : last.entrySet()) {
            String sourceId = entry.getKey();
            Position position = entry.getValue().position();
            if (!commitWithRetry(sourceId, position)) {
                return false;
            }
            SourceRunner runner;
            synchronized (this) {
                runner = runners.get(sourceId);
            }
            if (runner != null) {
                runner.committed(position);
            }
            long now = clock.millis();
            metrics.committed(sourceId, counts.get(sourceId), Math.max(0, now - entry.getValue().sourceTimestamp().toEpochMilli()));
            int n = counts.get(sourceId);
            notifyListener(() -> listener.onCommitted(sourceId, position, n));
        }
        return true;
    }

    private boolean commitWithRetry(String sourceId, Position position) throws InterruptedException {
        SourceRunner runner;
        synchronized (this) {
            runner = runners.get(sourceId);
        }
        if (runner != null && runner.committed() != null && !position.isAfter(runner.committed())) {
            return true; // never move a committed position backwards
        }
        for (int attempt = 1; ; attempt++) {
            try {
                offsetStore.commit(sourceId, position);
                return true;
            } catch (RuntimeException e) {
                Optional<Duration> delay = retryPolicy.nextDelay(attempt, e);
                if (delay.isEmpty()) {
                    fail("committing the position of source '" + sourceId + "' failed: " + describe(e), e);
                    return false;
                }
                LOG.warn("committing the position of source {} failed (attempt {}): {}; retrying in {} ms", sourceId, attempt,
                        describe(e), delay.get().toMillis());
                if (!sleepUnlessStopping(delay.get())) {
                    return false;
                }
            }
        }
    }

    private List<RuleDescriptor> ruleDescriptors() {
        List<RuleDescriptor> all = new ArrayList<>();
        for (Stage s : stages) {
            if (!s.name().equals(PipelineBuilder.SCHEMA_STAGE)) {
                all.addAll(s.transform().rules());
            }
        }
        return all;
    }

    private List<ChangeEvent> withoutFailedSources(List<ChangeEvent> events) {
        boolean anyFailed;
        synchronized (this) {
            anyFailed = runners.values().stream().anyMatch(r -> r.state() == SourceState.FAILED);
        }
        if (!anyFailed) {
            return events;
        }
        List<ChangeEvent> kept = new ArrayList<>(events.size());
        for (ChangeEvent e : events) {
            SourceRunner r;
            synchronized (this) {
                r = runners.get(e.sourceId());
            }
            if (r == null || r.state() != SourceState.FAILED) {
                kept.add(e);
            }
        }
        return kept;
    }

    private void failSourceById(String sourceId, String reason) {
        SourceRunner r;
        synchronized (this) {
            r = runners.get(sourceId);
        }
        if (r != null) {
            r.fail(reason, null);
        }
    }

    void sourceFailed(SourceRunner runner, Throwable error) {
        notifyListener(() -> listener.onSourceFailed(runner.id(), error));
    }

    private boolean sleepUnlessStopping(Duration delay) throws InterruptedException {
        long until = System.nanoTime() + delay.toNanos();
        while (System.nanoTime() < until) {
            if (state.get() == PipelineState.STOPPING || state.get() == PipelineState.FAILED) {
                return false;
            }
            Thread.sleep(Math.min(50, Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime()))));
        }
        return state.get() == PipelineState.RUNNING;
    }

    private void fail(String reason, Throwable cause) {
        failure = reason;
        LOG.error("pipeline {} failed: {}", name, reason, cause);
        changeState(PipelineState.FAILED, reason);
        accepting = false;
        workerRunning = false;
    }

    private void changeState(PipelineState to, String reason) {
        PipelineState from = state.getAndSet(to);
        if (from != to) {
            notifyListener(() -> listener.onStateChanged(from, to, reason));
        }
    }

    private void notifyListener(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("pipeline listener failed: {}", e.toString());
        }
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    // ---- for SourceRunner ---------------------------------------------------------------------

    boolean isAccepting() {
        return accepting;
    }

    EventBuffer buffer() {
        return buffer;
    }

    Clock clock() {
        return clock;
    }

    /** One per sink; collects the records it refuses while a write is in progress (worker thread only). */
    private final class PipelineSinkContext implements SinkContext {
        private final String sinkId;
        private List<DeadLetter> collecting;

        PipelineSinkContext(String sinkId) {
            this.sinkId = sinkId;
        }

        @Override
        public String sinkId() {
            return sinkId;
        }

        @Override
        public void deadLetter(ChangeEvent event, String reason) {
            if (collecting == null) {
                throw new IllegalStateException("sink '" + sinkId + "' may dead-letter records only while writing");
            }
            collecting.add(new DeadLetter(event, "sink", sinkId, reason, clock.instant(), Map.of()));
        }

        @Override
        public Clock clock() {
            return clock;
        }
    }
}
