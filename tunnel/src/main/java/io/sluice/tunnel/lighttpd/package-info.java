/**
 * {@code sluice import-lighttpd}: reads a lighttpd configuration (its syntax: strings, arrays, {@code +=},
 * {@code include}, variables, conditionals) and writes the equivalent Sluice YAML, with a comment where the meaning
 * differs and a located warning for what has no equivalent. Imports nothing but the JDK; the CLI checks the result
 * with the real config loader.
 */
package io.sluice.tunnel.lighttpd;
