/**
 * Access to a service's actuator: bearer tokens checked against configured hashes, so that Prometheus (a viewer)
 * can scrape while the endpoints stay closed to anonymous callers. The gateway's Admin API checks its tokens with the
 * same {@link dev.sluice.starter.management.BearerTokens}.
 */
package dev.sluice.starter.management;
