/** RFC 9457 problem+json: stable type URIs, and every invalid field named for a bad request. */
package dev.sluice.starter.problem;
