package dev.sluice.starter.identity;

/**
 * The answer of the info endpoint: which service and which instance handled the request.
 *
 * @param service {@code spring.application.name}
 * @param instance the address and port the request arrived on
 * @param zone the instance's zone
 */
public record ServiceIdentity(String service, String instance, String zone) {
}
