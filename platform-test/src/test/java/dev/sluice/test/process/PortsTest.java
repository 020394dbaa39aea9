package dev.sluice.test.process;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class PortsTest {

    @Test
    void freePortsAreNeverHandedOutTwiceEvenWhenTheKernelWouldRepeatOne() {
        // A stack chooses all its ports before any server binds; the kernel is free to offer the same one again.
        Set<Integer> seen = new HashSet<>();
        IntStream.range(0, 500).forEach(i -> assertThat(seen.add(Ports.free())).isTrue());
    }

    @Test
    void aBlockDoesNotOverlapPortsHandedOutBeforeOrItsOwnOffsetPorts() {
        int first = Ports.freeBlock(6, 10_000);
        int second = Ports.freeBlock(6, 10_000);
        Set<Integer> ports = new HashSet<>();
        for (int start : new int[] {first, second}) {
            for (int port = start; port < start + 6; port++) {
                assertThat(ports.add(port)).isTrue();
                assertThat(ports.add(port + 10_000)).isTrue();
            }
        }
    }
}
