package __PACKAGE__.greeting;

import jakarta.validation.constraints.Pattern;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The example endpoint, {@code GET /api/__NAME__/greetings/{who}}: replace it with the service's own. The gateway
 * routes {@code /api/__NAME__/**} here; a {@code who} that is not a plain name is refused with 400 problem+json.
 */
@RestController
@RequestMapping("/api/__NAME__/greetings")
@Validated
class GreetingController {

    record Greeting(String greeting) {
    }

    @GetMapping("/{who}")
    Greeting greet(@PathVariable @Pattern(regexp = "[A-Za-z][A-Za-z0-9 .'-]{0,63}") String who) {
        return new Greeting("Hello, " + who);
    }
}
