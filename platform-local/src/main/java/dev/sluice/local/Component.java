package dev.sluice.local;

import java.util.List;

/** One part of the local stack: started in order, stopped in reverse. */
public interface Component {

    String name();

    /** Starts the component and returns once it is ready to serve; throws if it cannot. */
    void start();

    void stop();

    /** SIGKILL: the component crashes. {@link #start()} brings it back on the same data. */
    void kill();

    /** Where to reach it, for the status table. */
    String url();

    /** Where its log is. */
    String log();

    List<Long> pids();
}
