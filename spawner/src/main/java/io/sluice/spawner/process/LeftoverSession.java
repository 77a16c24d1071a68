package io.sluice.spawner.process;

import io.sluice.spawner.posix.NativeCallException;
import io.sluice.spawner.posix.Posix;
import io.sluice.spawner.posix.Signals;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What may be left of one worker recorded in the ledger by a Sluice that died: the live processes of its session.
 * A worker leads its own session and process group (POSIX_SPAWN_SETSID), so its pid is both ids, and everything it
 * forked stays in that session unless it called setsid itself, with or without the worker still alive. They are
 * ours only when proven: one of them carries the recorded instance token in its environment and started no earlier
 * than the worker did. A session id is not reused while any process has it, so one proven member vouches for the
 * whole session. Used once per record at start, on the supervisor thread.
 */
final class LeftoverSession {
    private static final Logger LOG = LoggerFactory.getLogger(LeftoverSession.class);
    private static final Duration KILL_WAIT = Duration.ofSeconds(1);

    private final int sid;
    private final long startTime;
    private final String tokenEntry;

    /** @param sid the recorded worker's pid (> 1); @param token the instance token its Sluice recorded */
    LeftoverSession(int sid, long startTime, String token) {
        if (sid <= 1) {
            throw new IllegalArgumentException("no worker has session or process group " + sid);
        }
        this.sid = sid;
        this.startTime = startTime;
        this.tokenEntry = ProcessGroupLedger.TOKEN_VARIABLE + "=" + token;
    }

    /**
     * When the session is proven ours: TERM to each of its process groups, up to {@code grace} for them to go, then
     * KILL. Returns whether it was ours (and signalled); a session that is not is left alone.
     */
    boolean stop(Duration grace) {
        if (members().stream().noneMatch(this::carriesProof)) {
            return false;
        }
        LOG.warn("worker session {} is left over from an earlier Sluice; sending TERM", sid);
        signal(Signals.TERM);
        // The proof still holds: the session never lost its last member while awaitGone looked, so its id was not
        // reused; KILL needs no second proof (the proven member may be the one that obeyed TERM).
        if (!awaitGone(grace)) {
            LOG.warn("worker session {} ignored TERM for {}; sending KILL", sid, LadderRun.human(grace));
            signal(Signals.KILL);
            if (!awaitGone(KILL_WAIT)) {
                LOG.error("worker session {} survived KILL for {}", sid, LadderRun.human(KILL_WAIT));
            }
        }
        return true;
    }

    /** Sends {@code signal} to every process group in the session. */
    private void signal(int signal) {
        for (int pgrp : members().stream().mapToInt(ProcessTable.Entry::pgrp).distinct().toArray()) {
            try {
                Posix.killGroup(pgrp, signal);
            } catch (NativeCallException e) {
                LOG.warn("leftover session {}: {}", sid, e.getMessage());
            }
        }
    }

    /** Waits up to {@code limit} for the session to have no live member; true when it has none. */
    private boolean awaitGone(Duration limit) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!members().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        return true;
    }

    /**
     * The live (non-zombie) processes in the session or the process group {@code sid}. Zombies are skipped: not our
     * children, so only their reaper (a slow init, or a container's pid 1) can remove them, and they run nothing.
     */
    private List<ProcessTable.Entry> members() {
        return ProcessTable.all().stream()
                .filter(p -> (p.session() == sid || p.pgrp() == sid) && !p.isZombie())
                .toList();
    }

    private boolean carriesProof(ProcessTable.Entry member) {
        return member.startTime() >= startTime && ProcessTable.environContains(member.pid(), tokenEntry);
    }

    @Override
    public String toString() {
        return "session " + sid;
    }
}
