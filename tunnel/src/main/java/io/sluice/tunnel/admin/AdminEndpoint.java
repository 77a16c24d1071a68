package io.sluice.tunnel.admin;

/** One path of the admin listener. Called on the admin event loop; must not block (it may compute). */
@FunctionalInterface
public interface AdminEndpoint {
    AdminResponse handle(AdminRequest request);
}
