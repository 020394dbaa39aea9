package dev.sluice.starter.client;

/**
 * No answer from the upstream: no instance known, the connection refused or reset, or no answer within the response
 * timeout, on the last attempt the retry policy allowed.
 */
public class UpstreamUnavailableException extends ClientCallException {

    public UpstreamUnavailableException(String client, String message, Throwable cause) {
        super(client, "Client '" + client + "': " + message, cause);
    }
}
