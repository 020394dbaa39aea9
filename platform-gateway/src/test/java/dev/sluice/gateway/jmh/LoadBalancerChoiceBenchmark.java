package dev.sluice.gateway.jmh;

import dev.sluice.traffic.loadbalancer.Balancing;
import dev.sluice.traffic.loadbalancer.InstancePicker;
import dev.sluice.traffic.loadbalancer.OutlierDetector;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.springframework.cloud.client.DefaultServiceInstance;
import org.springframework.cloud.client.ServiceInstance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The load balancer's choice of an instance (as the gateway's {@code lb://} routes and the services' clients make it):
 * outlier filtering, then round-robin, weighted, or zone-preferring round-robin over {@code instances} instances in
 * two zones, one of them weighted 3.
 */
@State(Scope.Thread)
public class LoadBalancerChoiceBenchmark {

    @Param({"3", "12"})
    public int instances;

    private InstancePicker picker;
    private List<ServiceInstance> all;
    private final Balancing weighted = Balancing.of("weighted", false);
    private final Balancing zoned = Balancing.of("round-robin", true);

    @Setup
    public void setUp() {
        OutlierDetector outliers = new OutlierDetector(5, Duration.ofSeconds(30), Duration.ofMinutes(5), 50,
                System::currentTimeMillis);
        picker = new InstancePicker("sample-order-service", outliers, "zone-a");
        all = new ArrayList<>();
        for (int i = 0; i < instances; i++) {
            all.add(new DefaultServiceInstance("order-" + i, "sample-order-service", "10.0.0." + i, 8101, false,
                    Map.of("zone", i % 2 == 0 ? "zone-a" : "zone-b", "weight", i == 0 ? "3" : "1")));
        }
    }

    @Benchmark
    public ServiceInstance roundRobin() {
        return picker.pick(all, Balancing.ROUND_ROBIN);
    }

    @Benchmark
    public ServiceInstance weighted() {
        return picker.pick(all, weighted);
    }

    @Benchmark
    public ServiceInstance zoneAffinity() {
        return picker.pick(all, zoned);
    }
}
