package dev.sluice.starter.client;

/** The client refused the call itself, at once and without any network call: its breaker is open or its bulkhead full. */
public class ClientRefusedException extends ClientCallException {

    public enum Reason { CIRCUIT_OPEN, BULKHEAD_FULL }

    private final Reason reason;

    public ClientRefusedException(String client, Reason reason) {
        super(client, "Client '" + client + "' refused the call: " + (reason == Reason.CIRCUIT_OPEN
                ? "its circuit breaker is open" : "it has no room for another call in flight"), null);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
