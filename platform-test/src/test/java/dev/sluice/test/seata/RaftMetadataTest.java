package dev.sluice.test.seata;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RaftMetadataTest {

    private static String node(String host, int port, String role) {
        return "{\"metadata\":{},\"control\":{\"host\":\"" + host + "\",\"port\":" + (port - 1000) + "},"
                + "\"transaction\":{\"host\":\"" + host + "\",\"port\":" + port + "},\"group\":\"default\","
                + "\"role\":\"" + role + "\"}";
    }

    @Test
    void theLeaderIsTheNodeWhoseRoleSaysSoByItsTransactionAddress() {
        String answer = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"nodes\":["
                + node("10.1.2.11", 8091, "FOLLOWER") + "," + node("10.1.2.12", 8091, "LEADER") + ","
                + node("10.1.2.13", 8091, "FOLLOWER") + "],\"storeMode\":\"raft\",\"term\":3}";
        assertThat(RaftMetadata.leader(answer)).contains(new RaftMetadata.Address("10.1.2.12", 8091));
    }

    @Test
    void noLeaderDuringAnElectionNorInTextThatIsNoClusterAnswer() {
        assertThat(RaftMetadata.leader("{\"nodes\":[" + node("127.0.0.2", 21091, "FOLLOWER") + "]}")).isEmpty();
        assertThat(RaftMetadata.leader("{\"nodes\":[]}")).isEmpty();
        assertThat(RaftMetadata.leader("<html>502 Bad Gateway</html>")).isEmpty();
        assertThat(RaftMetadata.leader("")).isEmpty();
    }
}
