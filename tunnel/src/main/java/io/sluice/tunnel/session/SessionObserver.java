package io.sluice.tunnel.session;

import java.util.List;

/**
 * Told what sessions do, for status, metrics and the access log: once when a session opens (after the 101), once when
 * it has ended (at CLOSED, from its single teardown), once per refused handshake, and per failed backend connect.
 * Called on the session's event loop: implementations must be quick and must never block or throw.
 */
public interface SessionObserver {
    /** Observes nothing. */
    SessionObserver NONE = new SessionObserver() {
    };

    /** One observer that tells each of {@code observers}, in order. */
    static SessionObserver all(SessionObserver... observers) {
        List<SessionObserver> list = List.of(observers);
        return new SessionObserver() {
            @Override
            public void opened(SessionRecord session) {
                list.forEach(o -> o.opened(session));
            }

            @Override
            public void closed(SessionRecord session) {
                list.forEach(o -> o.closed(session));
            }

            @Override
            public void refused(Refusal refusal) {
                list.forEach(o -> o.refused(refusal));
            }

            @Override
            public void connectFailed(String route, boolean backendsFault) {
                list.forEach(o -> o.connectFailed(route, backendsFault));
            }
        };
    }

    default void opened(SessionRecord session) {
    }

    default void closed(SessionRecord session) {
    }

    default void refused(Refusal refusal) {
    }

    /** A connect to a backend of {@code route} failed; {@code backendsFault} false when Sluice itself ran short. */
    default void connectFailed(String route, boolean backendsFault) {
    }
}
