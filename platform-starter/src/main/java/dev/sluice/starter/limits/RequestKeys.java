package dev.sluice.starter.limits;

/** What a rate-limit key can be read from, for either web stack. */
interface RequestKeys {

    String clientAddress();

    /** @return null when the request has no such header */
    String header(String name);

    /** @return null when the request is not authenticated */
    String principal();
}
