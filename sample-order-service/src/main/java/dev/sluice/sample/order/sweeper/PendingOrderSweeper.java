package dev.sluice.sample.order.sweeper;

import dev.sluice.sample.order.order.OrderRepository;
import dev.sluice.starter.jobs.SingletonJob;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Reports orders that stayed PENDING past their transaction's timeout. The TC settles every order it knows of
 * (it retries confirm or cancel until they run), so an order still PENDING a while after the timeout means
 * something needs a person: a TC that lost its session store, a branch that keeps failing. One instance sweeps
 * at a time ({@link SingletonJob}); the others would only repeat its report.
 */
@Component
class PendingOrderSweeper {

    private static final Logger log = LoggerFactory.getLogger(PendingOrderSweeper.class);
    private static final int REPORTED = 100;

    private final OrderRepository orders;
    private final Duration overdueAfter;
    private final AtomicInteger overdue = new AtomicInteger();

    PendingOrderSweeper(OrderRepository orders, MeterRegistry meters,
            @Value("${sluice.tcc.timeout:30s}") Duration transactionTimeout,
            @Value("${sample.orders.overdue-grace:30s}") Duration grace) {
        this.orders = orders;
        this.overdueAfter = transactionTimeout.plus(grace);
        Gauge.builder("sample.orders.overdue", overdue, AtomicInteger::get)
                .description("Orders PENDING longer than the transaction timeout plus a grace, at the last sweep")
                .register(meters);
    }

    @Scheduled(fixedDelayString = "${sample.orders.sweep-every:10s}", initialDelayString = "${sample.orders.sweep-every:10s}")
    @SingletonJob("pending-order-sweeper")
    public void sweep() {
        List<String> stuck = orders.pendingSince(Instant.now().minus(overdueAfter), REPORTED);
        overdue.set(stuck.size());
        if (!stuck.isEmpty()) {
            log.warn("{}{} order(s) PENDING for more than {} s: {}", stuck.size(), stuck.size() == REPORTED ? "+" : "",
                    overdueAfter.toSeconds(), stuck);
        }
    }
}
