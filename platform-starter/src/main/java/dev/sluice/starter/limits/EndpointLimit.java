package dev.sluice.starter.limits;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Limits one handler method (or every handler method of a controller) of a servlet service, as a
 * {@code sluice.limits.endpoints} entry would. Set {@link #rate()}, {@link #concurrency()}, or both.
 * <pre>{@code
 * @EndpointLimit(rate = 50, key = "header:X-Tenant", concurrency = 20)
 * @PostMapping("/api/reports")
 * Report create(...) { ... }
 * }</pre>
 */
@Target({ElementType.METHOD, ElementType.TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface EndpointLimit {

    /** Names the limit; {@code Controller.method} when empty. */
    String id() default "";

    /** Requests per {@link #period()} across all instances; 0 for no rate limit. */
    int rate() default 0;

    /** The bucket's size; {@link #rate()} when 0. */
    int burst() default 0;

    /** The period {@link #rate()} is counted over, as a duration such as {@code 1s} or {@code 1m}. */
    String period() default "1s";

    /** {@code ip}, {@code header:NAME}, {@code principal} or {@code endpoint}. */
    String key() default "ip";

    /** Requests in progress at once on this instance; 0 for no concurrency limit. */
    int concurrency() default 0;
}
