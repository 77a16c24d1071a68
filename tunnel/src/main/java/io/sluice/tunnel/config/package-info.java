/**
 * The YAML configuration, parsed once into immutable, self-validating records; every mistake is reported with its
 * file, line, column and option path. May import {@code spawner.spec} (and SnakeYAML); nothing of Netty.
 */
package io.sluice.tunnel.config;
