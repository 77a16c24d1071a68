package io.sluice.tunnel.admin;

import java.util.concurrent.CompletionStage;

/**
 * One POST path of the admin listener: something it does, such as a reload. Called on the admin event loop, so it
 * only starts the work (on a thread of its own) and answers when it is done; the answer is written whenever the stage
 * completes.
 */
@FunctionalInterface
public interface AdminAction {
    CompletionStage<AdminResponse> perform();
}
