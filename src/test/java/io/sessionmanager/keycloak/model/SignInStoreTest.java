package io.sessionmanager.keycloak.model;

import io.sessionmanager.keycloak.device.DeviceInfo;
import jakarta.persistence.Column;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The sign-in's hand-written insert names every column of the entity a new record has, each with its own value. */
class SignInStoreTest {

    /** Set only when a record ends: a new record's insert leaves them null. */
    private static final List<String> SET_WHEN_ENDED = List.of("ENDED_AT", "END_REASON");

    @Test
    void theInsertWritesEveryColumnOfANewRecord() {
        List<String> mapped = columns().keySet().stream().filter(c -> !SET_WHEN_ENDED.contains(c)).sorted().toList();
        assertThat(SignInStore.COLUMNS.keySet().stream().sorted().toList()).isEqualTo(mapped);
        assertThat(SignInStore.COLUMNS.keySet()).last().isEqualTo("NEW_DEVICE");
    }

    @Test
    void eachColumnGetsTheValueTheEntityMapsToIt() throws IllegalAccessException {
        SessionRecord record = SessionRecord.newActive("realm-1", "user-1", "kc-1", 1_000L);
        record.setUserAgent("agent");
        record.setDeviceInfo(new DeviceInfo("Firefox/128", "Linux", "6.1", "Other", true));
        record.setIpAddress("192.0.2.1");
        record.setLastIpAddress("192.0.2.2");
        record.addClientIds(List.of("app"));
        record.setRememberMe(true);
        record.setLastActive(2_000L);
        record.setExpiresAt(3_000L);
        record.setNewDevice(true);
        Map<String, Field> fields = columns();
        for (Map.Entry<String, Function<SessionRecord, Object>> column : SignInStore.COLUMNS.entrySet()) {
            Field field = fields.get(column.getKey());
            field.setAccessible(true);
            Object mapped = field.get(record);
            Object expected = mapped instanceof Enum<?> e ? e.name() : mapped;
            assertThat(column.getValue().apply(record)).as(column.getKey()).isEqualTo(expected);
        }
    }

    private static Map<String, Field> columns() {
        return Arrays.stream(SessionRecord.class.getDeclaredFields())
                .filter(f -> f.isAnnotationPresent(Column.class))
                .collect(Collectors.toMap(f -> f.getAnnotation(Column.class).name(), Function.identity()));
    }
}
