package dev.sluice.gateway.stamp;

import dev.sluice.gateway.route.Violations;

/**
 * {@code stamp}: a header set on the request sent upstream. A policy that exists only in the tests, to show that a
 * package is all a new policy needs.
 *
 * @param header the header's name
 * @param value  its value
 */
public record StampPolicy(String header, String value) {

    void validate(Violations v) {
        v.require("header", header);
        if (header != null && !Violations.isHeaderName(header)) {
            v.add("header", "must be a header name");
        }
        v.require("value", value);
    }
}
