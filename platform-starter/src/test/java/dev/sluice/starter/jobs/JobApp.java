package dev.sluice.starter.jobs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;

/**
 * An instance of a service with one singleton job, run in its own JVM so that a test can SIGKILL it. Each run
 * appends {@code INSTANCE:TOKEN} to a Redis list.
 *   java -cp CP dev.sluice.starter.jobs.JobApp REDIS_NODES INSTANCE LIST_KEY
 */
@EnableAutoConfiguration
@EnableScheduling
@Import(JobApp.Sweeper.class)
public class JobApp {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(JobApp.class);
        app.setWebApplicationType(WebApplicationType.NONE);
        app.run("--spring.application.name=jobs-test", "--spring.data.redis.cluster.nodes=" + args[0],
                "--instance=" + args[1], "--runs=" + args[2], "--sluice.registry.enabled=false");
    }

    @Component
    static class Sweeper {

        private final ReactiveStringRedisTemplate redis;
        private final String instance;
        private final String runs;

        Sweeper(ReactiveStringRedisTemplate redis, org.springframework.core.env.Environment environment) {
            this.redis = redis;
            this.instance = environment.getProperty("instance");
            this.runs = environment.getProperty("runs");
        }

        @Scheduled(fixedDelay = 200)
        @SingletonJob(value = "sweep", lease = "3s")
        public void sweep() {
            long token = SingletonJobs.currentLease().orElseThrow().token();
            redis.opsForList().rightPush(runs, instance + ":" + token).block(Duration.ofSeconds(1));
        }
    }
}
