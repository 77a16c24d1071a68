/**
 * What the modules' tests share, and nothing the product uses: the Netty leak check every test class runs under, and
 * the table-driven package import rules. Imports JUnit, Logback and Netty's buffers; nothing of Sluice.
 */
package io.sluice.testsupport;
