/**
 * Jobs that run on one live instance at a time ({@code sluice.jobs}, {@link dev.sluice.starter.jobs.SingletonJob}):
 * the holder of the job's lock runs it, and another instance takes over when the holder stops or its lease runs out.
 */
package dev.sluice.starter.jobs;
