package dev.sluice.starter.limits;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Small services that limit their endpoints with nothing but the starter, properties and {@link EndpointLimit}. */
final class LimitedApps {

    private LimitedApps() {
    }

    /** A servlet service: {@code /api/items} limited by properties, two handlers by annotation. */
    @EnableAutoConfiguration
    @Import(ServletHandlers.class)
    static class ServletService {
    }

    @RestController
    static class ServletHandlers {
        final AtomicInteger items = new AtomicInteger();
        final AtomicInteger reports = new AtomicInteger();
        final AtomicInteger feed = new AtomicInteger();
        final AtomicInteger inProgress = new AtomicInteger();
        final AtomicInteger mostInProgress = new AtomicInteger();
        volatile CountDownLatch release = new CountDownLatch(0);

        @GetMapping("/api/items")
        String items() {
            items.incrementAndGet();
            return "{\"items\":[]}";
        }

        @GetMapping("/api/feed")
        String feed() {
            feed.incrementAndGet();
            return "{\"feed\":[]}";
        }

        @EndpointLimit(rate = 3, period = "1m", key = "header:X-Tenant")
        @PostMapping("/api/reports")
        String report() {
            reports.incrementAndGet();
            return "{\"report\":\"queued\"}";
        }

        /** Holds each request until the test lets go, so that requests pile up. */
        @EndpointLimit(concurrency = 2)
        @GetMapping("/api/exports")
        String export() throws InterruptedException {
            int now = inProgress.incrementAndGet();
            mostInProgress.accumulateAndGet(now, Math::max);
            try {
                release.await(10, TimeUnit.SECONDS);
                return "{\"export\":\"done\"}";
            }
            finally {
                inProgress.decrementAndGet();
            }
        }
    }

    /** A reactive service limiting {@code /api/quotes} by properties. */
    @EnableAutoConfiguration
    @Import(ReactiveHandlers.class)
    static class ReactiveService {
    }

    @RestController
    static class ReactiveHandlers {
        final AtomicInteger quotes = new AtomicInteger();

        @GetMapping("/api/quotes")
        Mono<String> quotes() {
            return Mono.fromSupplier(() -> {
                quotes.incrementAndGet();
                return "{\"quotes\":[]}";
            }).delayElement(Duration.ofMillis(1));
        }
    }

    static ConfigurableApplicationContext start(Class<?> app, WebApplicationType type, String redisNodes,
            String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--server.port=0",
                "--spring.application.name=limited-" + type.name().toLowerCase(),
                "--spring.data.redis.cluster.nodes=" + redisNodes,
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN"));
        args.addAll(List.of(extra));
        SpringApplication application = new SpringApplication(app);
        application.setWebApplicationType(type);
        return application.run(args.toArray(String[]::new));
    }
}
