package dev.sluice.starter.jobs;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Runs a {@code @Scheduled} method on one live instance of the service at a time: the instance that holds the
 * job's lock. Elsewhere the method returns at once without running. When the holder dies, another instance takes
 * the lock once its lease has run out, and runs the job from its next tick; a graceful stop hands it over at once.
 * Inside the method, {@link SingletonJobs#currentLease()} gives the lock's fencing token for guarded writes.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SingletonJob {

    /** The job's name, unique within the service; the lock is {@code job:SERVICE:NAME}. */
    String value();

    /** The lease, as a duration ({@code 30s}); the holder renews it every third. Empty: {@code sluice.jobs.lease}. */
    String lease() default "";
}
