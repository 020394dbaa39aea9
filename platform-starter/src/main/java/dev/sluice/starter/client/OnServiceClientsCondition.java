package dev.sluice.starter.client;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

import java.util.Map;

/** Matches when {@code sluice.clients} names at least one client: a service without clients gets none of this. */
class OnServiceClientsCondition extends SpringBootCondition {

    @Override
    public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        Map<String, Object> clients = Binder.get(context.getEnvironment())
                .bind("sluice.clients", Bindable.mapOf(String.class, Object.class)).orElse(Map.of());
        return clients.isEmpty() ? ConditionOutcome.noMatch("no sluice.clients entries")
                : ConditionOutcome.match("sluice.clients names " + clients.keySet());
    }
}
