package dev.sluice.starter.client;

/**
 * A call through a Sluice client that did not get a successful answer. Catch the subclasses: a refusal before any
 * network call, an upstream that could not be reached, or an upstream's problem answer.
 */
public abstract class ClientCallException extends RuntimeException {

    private final String client;

    protected ClientCallException(String client, String message, Throwable cause) {
        super(message, cause);
        this.client = client;
    }

    /** The {@code sluice.clients} name of the client that made the call. */
    public String client() {
        return client;
    }
}
