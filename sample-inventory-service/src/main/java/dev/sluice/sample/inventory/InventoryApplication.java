package dev.sluice.sample.inventory;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/** Caching keeps item reads in the Redis Cluster (the starter's cache manager); every stock change evicts. */
@SpringBootApplication
@EnableCaching
public class InventoryApplication {

    public static void main(String[] args) {
        SpringApplication.run(InventoryApplication.class, args);
    }
}
