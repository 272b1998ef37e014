package dev.parcel.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {
    private final ErrorMapper mapper = new ErrorMapper();

    @Test
    void databaseAwayIsServiceUnavailableWithRetryAfter() {
        var response = mapper.unexpected(new IllegalStateException("pool", new ConnectException("refused")));
        assertEquals(503, response.getStatus());
        assertEquals("5", response.getHeaderString("Retry-After"));
        assertEquals(Map.of("error", "the service cannot reach its database or broker right now; try again shortly"),
                response.getEntity());
    }

    @Test
    void bugIsAnInternalErrorThatSaysNothingOfItself() {
        var response = mapper.unexpected(new NullPointerException("secret detail"));
        assertEquals(500, response.getStatus());
        assertEquals(Map.of("error", "internal error"), response.getEntity());
    }
}
