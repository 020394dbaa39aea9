package dev.sluice.starter.registry;

/**
 * An instance as a reader found it in the registry. Times are the Redis clock's (epoch milliseconds), never a
 * host's, so a host whose clock jumps neither expires nor revives anyone.
 *
 * @param instance      what the instance published
 * @param registeredAt  when it (re)joined
 * @param lastHeartbeat its latest heartbeat
 * @param readAt        the Redis clock when this was read
 */
public record RegisteredInstance(InstanceRecord instance, long registeredAt, long lastHeartbeat, long readAt) {

    /** How long ago its last heartbeat landed, as of the read. */
    public long silentMillis() {
        return Math.max(0, readAt - lastHeartbeat);
    }

    /** How long it has been registered, as of the read. */
    public long ageMillis() {
        return Math.max(0, readAt - registeredAt);
    }
}
