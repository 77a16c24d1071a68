package io.sluice.spawner.process;

import io.sluice.spawner.posix.Accounts;
import io.sluice.spawner.spec.Confinement;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Who a worker runs as, resolved from its {@link Confinement} when the supervisor starts: user and group ids, the
 * login name whose supplementary groups it gets (null for a numeric user without a passwd entry: none), and whether
 * that differs from Sluice's own (then {@code setpriv} changes it). Immutable.
 */
public record Credentials(int uid, int gid, String userName, boolean changed) {

    /**
     * Resolves {@code confinement} for a Sluice running as {@code ownUid}/{@code ownGid}.
     *
     * @throws IllegalArgumentException whose message names the option and the problem
     */
    public static Credentials resolve(Confinement confinement, int ownUid, int ownGid) {
        Optional<Accounts.User> user = Optional.empty();
        if (confinement.user() != null) {
            user = Accounts.user(confinement.user());
            if (user.isEmpty() && !Accounts.isNumber(confinement.user())) {
                throw new IllegalArgumentException("user: no such user '%s'".formatted(confinement.user()));
            }
        }
        OptionalInt group = OptionalInt.empty();
        if (confinement.group() != null) {
            group = Accounts.group(confinement.group());
            if (group.isEmpty()) {
                throw new IllegalArgumentException("group: no such group '%s'".formatted(confinement.group()));
            }
        }
        int uid = confinement.user() == null ? ownUid
                : user.map(Accounts.User::uid).orElseGet(() -> Integer.parseInt(confinement.user()));
        if (confinement.user() != null && user.isEmpty() && group.isEmpty()) {
            throw new IllegalArgumentException(("user: %s has no passwd entry, so it has no group of its own; set "
                    + "group as well").formatted(confinement.user()));
        }
        int gid = group.isPresent() ? group.getAsInt() : user.map(Accounts.User::gid).orElse(ownGid);
        boolean root = ownUid == 0;
        if (!root && (uid != ownUid || gid != ownGid)) {
            throw new IllegalArgumentException(("%s: Sluice runs as uid %d gid %d, not as root, so its workers can "
                    + "only run as that user and group; remove user and group, or start Sluice as root")
                    .formatted(confinement.user() != null ? "user" : "group", ownUid, ownGid));
        }
        boolean changed = root && (confinement.user() != null || confinement.group() != null)
                && (uid != ownUid || gid != ownGid || user.isPresent());
        return new Credentials(uid, gid, user.map(Accounts.User::name).orElse(null), changed);
    }

    /**
     * Refuses a worker that would run as root where that must be asked for: every per-key worker (a sandbox) and any
     * worker whose {@code user} names root, unless {@code allow-root: true}.
     *
     * @throws IllegalArgumentException whose message names the option and what to do
     */
    public void checkRoot(Confinement confinement, boolean perKey) {
        if (uid != 0 || confinement.allowRoot() || !perKey && confinement.user() == null) {
            return;
        }
        throw new IllegalArgumentException(perKey && confinement.user() == null
                ? "user: Sluice runs as root and this per-key host sets no user, so every sandbox would run as root; "
                + "set user (and group), or allow-root: true"
                : "user: the workers would run as root; set another user, or allow-root: true");
    }
}
