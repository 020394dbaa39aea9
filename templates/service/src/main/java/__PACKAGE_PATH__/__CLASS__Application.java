package __PACKAGE__;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** The __NAME__ service. platform-starter joins it to the platform: registry, limits, problem+json, metrics. */
@SpringBootApplication
public class __CLASS__Application {

    public static void main(String[] args) {
        SpringApplication.run(__CLASS__Application.class, args);
    }
}
