package io.sluice.spawner.posix;

import java.util.Optional;
import java.util.OptionalInt;
import jnr.posix.Group;
import jnr.posix.POSIX;
import jnr.posix.POSIXFactory;
import jnr.posix.Passwd;
import jnr.posix.util.DefaultPOSIXHandler;

/**
 * Users and groups as the C library knows them (getpwnam, getpwuid, getgrnam through NSS, so LDAP users count), and
 * Sluice's own effective ids. Thread-safe; the lookups read system files and may take a moment, so call them at
 * startup, not on an event loop.
 */
public final class Accounts {
    private static final POSIX POSIX = POSIXFactory.getNativePOSIX(new DefaultPOSIXHandler());

    /** A passwd entry: the login name, the user id and the primary group id. */
    public record User(String name, int uid, int gid) {
    }

    private Accounts() {
    }

    /** The user named or numbered {@code nameOrId}, if the system knows it. */
    public static Optional<User> user(String nameOrId) {
        Passwd entry = isNumber(nameOrId) ? POSIX.getpwuid(Integer.parseInt(nameOrId)) : POSIX.getpwnam(nameOrId);
        if (entry == null) {
            return Optional.empty();
        }
        return Optional.of(new User(entry.getLoginName(), (int) entry.getUID(), (int) entry.getGID()));
    }

    /** The id of the group named {@code nameOrId}, or the number itself; empty when no such group name exists. */
    public static OptionalInt group(String nameOrId) {
        if (isNumber(nameOrId)) {
            return OptionalInt.of(Integer.parseInt(nameOrId));
        }
        Group entry = POSIX.getgrnam(nameOrId);
        return entry == null ? OptionalInt.empty() : OptionalInt.of((int) entry.getGID());
    }

    public static int euid() {
        return POSIX.geteuid();
    }

    public static int egid() {
        return POSIX.getegid();
    }

    /** A plain decimal id that fits an int. */
    public static boolean isNumber(String text) {
        return text.matches("\\d{1,9}");
    }
}
