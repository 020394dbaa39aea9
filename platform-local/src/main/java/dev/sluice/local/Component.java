package dev.sluice.local;

import java.util.List;

/** One part of the local stack: started in order, stopped in reverse. */
interface Component {

    String name();

    /** Starts the component and returns once it is ready to serve; throws if it cannot. */
    void start();

    void stop();

    /** Where to reach it, for the status table. */
    String url();

    /** Where its log is. */
    String log();

    List<Long> pids();
}
