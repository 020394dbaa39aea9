package dev.sluice.starter.client;

import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.service.annotation.GetExchange;
import org.springframework.web.service.annotation.HttpExchange;
import org.springframework.web.service.annotation.PostExchange;

/**
 * A servlet service whose clients are declared with {@code @HttpExchange} interfaces and {@code sluice.clients}
 * properties only; the test gives the properties. Each client has its own interface, as each is its own group.
 */
@EnableAutoConfiguration
@Import(CallerApp.Relay.class)
class CallerApp {

    /** Paths are {@code TestBackend}'s: {@code /flaky/N/...}, {@code /slow/MS/...}, {@code /problem/STATUS/CODE}. */
    @HttpExchange
    interface EchoApi {
        @GetExchange("/echo/{id}")
        String echo(@PathVariable String id);

        @GetExchange("/flaky/{failures}/get")
        String flakyGet(@PathVariable int failures, @RequestHeader("X-Test-Id") String testId);

        @PostExchange("/flaky/{failures}/post")
        String flakyPost(@PathVariable int failures, @RequestHeader("X-Test-Id") String testId);

        @PostExchange("/flaky/{failures}/post")
        String flakyKeyedPost(@PathVariable int failures, @RequestHeader("X-Test-Id") String testId,
                @RequestHeader("Idempotency-Key") String key);

        @GetExchange("/slow/{millis}/get")
        String slow(@PathVariable long millis);

        @GetExchange("/problem/{status}/{code}")
        String problem(@PathVariable int status, @PathVariable String code);
    }

    @HttpExchange
    interface GuardedApi {
        @GetExchange("/status/{status}/guarded")
        String status(@PathVariable int status);
    }

    @HttpExchange
    interface NarrowApi {
        @GetExchange("/slow/{millis}/narrow")
        String slow(@PathVariable long millis);
    }

    @HttpExchange
    interface BudgetedApi {
        @GetExchange("/status/503/budgeted/{n}")
        String failing(@PathVariable int n);
    }

    @HttpExchange
    interface SpreadApi {
        @GetExchange("/spread/{n}")
        String call(@PathVariable int n);
    }

    @HttpExchange
    interface MixedApi {
        @GetExchange("/mixed/{n}")
        String call(@PathVariable int n);
    }

    @HttpExchange
    interface FragileApi {
        @GetExchange("/fragile/{n}")
        String call(@PathVariable int n);
    }

    @HttpExchange
    interface MidCallApi {
        @GetExchange("/slow/{millis}/midcall")
        String slow(@PathVariable long millis);
    }

    @HttpExchange
    interface SluggishApi {
        @GetExchange("/slow/{millis}/sluggish")
        String call(@PathVariable long millis);
    }

    @Bean
    ClientFallback<FragileApi> fragileFallback() {
        return failure -> n -> "fragile fallback after " + failure.getClass().getSimpleName();
    }

    /** Answers for {@code guarded} while its upstream cannot. */
    @Bean
    ClientFallback<GuardedApi> guardedFallback() {
        return failure -> status -> "fallback after " + failure.getClass().getSimpleName();
    }

    /** Calls a client while serving a request, so that the request's headers can travel on. */
    @RestController
    static class Relay {
        private final EchoApi echo;

        Relay(EchoApi echo) {
            this.echo = echo;
        }

        @GetMapping("/relay/{id}")
        String relay(@PathVariable String id) {
            return echo.echo(id);
        }
    }
}
