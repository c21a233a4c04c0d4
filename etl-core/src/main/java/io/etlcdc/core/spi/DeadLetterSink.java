package io.etlcdc.core.spi;

import java.util.List;

/**
 * Where records that a stage could not process go, with the reason, so that the pipeline keeps
 * flowing and nothing is lost silently. {@link #write} is durable on return (dead letters are written
 * before the batch's position is committed).
 */
public interface DeadLetterSink extends AutoCloseable {

    void write(List<DeadLetter> deadLetters) throws Exception;

    /** The most recent dead letters, newest last, at most {@code limit}. */
    List<DeadLetter> recent(int limit);

    @Override
    default void close() throws Exception {
    }
}
