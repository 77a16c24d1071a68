package io.sluice.tunnel.lighttpd;

/** One option as the config leaves it in a block: its name, value, where it was (last) set, and its block. */
record Directive(String name, Value value, Location where, Condition block) {
}
