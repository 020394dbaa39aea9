package dev.sluice.traffic.loadbalancer;

import org.junit.jupiter.api.Test;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Ejection after consecutive failures, for a period that grows on repeat, never beyond the allowed share. */
class OutlierDetectorTest {

    final AtomicLong now = new AtomicLong(1_000_000);
    final OutlierDetector detector = new OutlierDetector(3, Duration.ofSeconds(10), Duration.ofSeconds(25), 50, now::get);
    final ServiceInstance a = instance("a", 1);
    final ServiceInstance b = instance("b", 2);
    final ServiceInstance c = instance("c", 3);
    final ServiceInstance d = instance("d", 4);
    final List<ServiceInstance> all = List.of(a, b, c, d);

    @Test
    void consecutiveFailuresEjectAndASuccessInBetweenResetsTheCount() {
        detector.available("svc", all);
        detector.onFailure("svc", a);
        detector.onFailure("svc", a);
        detector.onSuccess("svc", a);
        detector.onFailure("svc", a);
        detector.onFailure("svc", a);
        assertThat(detector.isEjected("svc", a)).isFalse();
        assertThat(detector.onFailure("svc", a)).isTrue();
        assertThat(detector.available("svc", all)).containsExactly(b, c, d);
    }

    @Test
    void repeatEjectionsLastLongerUpToTheCap() {
        detector.available("svc", all);
        assertThat(ejectionLengthMillis(a)).isEqualTo(10_000);
        assertThat(ejectionLengthMillis(a)).isEqualTo(20_000);
        assertThat(ejectionLengthMillis(a)).isEqualTo(25_000);
    }

    @Test
    void noMoreThanTheAllowedShareIsEjectedAtOnce() {
        detector.available("svc", all);
        for (ServiceInstance i : all) {
            for (int n = 0; n < 3; n++) {
                detector.onFailure("svc", i);
            }
        }
        assertThat(detector.available("svc", all)).hasSize(2);
    }

    private long ejectionLengthMillis(ServiceInstance instance) {
        for (int n = 0; n < 3; n++) {
            detector.onFailure("svc", instance);
        }
        long start = now.get();
        while (detector.isEjected("svc", instance)) {
            now.addAndGet(1_000);
        }
        return now.get() - start;
    }

    private static ServiceInstance instance(String id, int port) {
        return new DefaultServiceInstance(id, "svc", "127.0.0.1", port, false);
    }
}
