/**
 * Jobs that run on one live instance at a time ({@code sluice.jobs}, {@link dev.sluice.starter.jobs.SingletonJob}):
 * the instance with a {@link dev.sluice.starter.jobs.JobOwnership} claim runs it (a Redis lock per job, or on
 * Kubernetes the pods' leader), and another instance takes over when the owner stops or its lease runs out.
 */
package dev.sluice.starter.jobs;
